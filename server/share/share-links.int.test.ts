import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { useTestDatabase } from "@/server/test/test-db";
import { NOT_FOUND, rejectionOf } from "@/server/test/rejection";
import { handleByteRoute } from "@/server/runtime/byte-routes";
import { TEST_NEXTAUTH_SECRET } from "@/server/test/http-harness";
import { claimLinkDownload, getSharePage, openLink, unlockLink } from "@/server/share/share-access.service";
import { readZip } from "@/server/test/zip-reader";
import { listSharesForAdmin } from "@/server/admin/admin-ops.service";
import type { Actor } from "@/server/auth/actor";

const t = useTestDatabase();
let link0 = 0;

// The byte routes as the real server runs them, with Next replaced by a stub that answers "page",
// so the /s/ page's gate (410 or hand-over with a CSP) can be observed.
let baseUrl = "";
let server: http.Server;
beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = TEST_NEXTAUTH_SECRET;
  server = http.createServer((req, res) => {
    req.headers["x-yunpan-client-ip"] = req.socket.remoteAddress ?? "";
    const next = () => {
      res.writeHead(200, { "Content-Type": "text/plain", "X-Seen-Csp": String(req.headers["content-security-policy"] ?? "") });
      res.end("page");
    };
    if (handleByteRoute(req, res, next)) return;
    res.writeHead(404);
    res.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

async function ownerWithTree() {
  const owner = await createTestUser({ name: "Olivia Owner" });
  const drive = callerFor(owner.actor).drive;
  const shared = await drive.createFolder({ name: "Shared" });
  const inner = await drive.createFolder({ parentId: shared.id, name: "inner" });
  const sibling = await drive.createFolder({ name: "Sibling" });
  const a = await createTestFile({ actor: owner.actor, parentId: shared.id, name: "a.txt", content: "alpha bytes" });
  const b = await createTestFile({ actor: owner.actor, parentId: inner.id, name: "b.txt", content: "beta bytes" });
  const secret = await createTestFile({ actor: owner.actor, parentId: sibling.id, name: "secret.txt", content: "not yours" });
  return { ...owner, shared, inner, sibling, a, b, secret };
}

async function makeLink(actor: Actor, input: Parameters<ReturnType<typeof callerFor>["share"]["createLink"]>[0]) {
  return callerFor(actor).share.createLink(input);
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(baseUrl + path, { headers, redirect: "manual" });
const fileUrl = (token: string, nodeId: string, q = "") => `/api/s/${token}/files/${nodeId}/content${q}`;

async function unlock(token: string, password: string) {
  const res = await fetch(`${baseUrl}/api/s/${token}/unlock`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ password }) });
  const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? null;
  return { res, cookie };
}

describe("share links: creation and listing", () => {
  it("shows the token once, stores only its hash, and lists the link with its status", async () => {
    const o = await ownerWithTree();
    const { token, url, link } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "DOWNLOAD" });
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(url).toBe(`http://127.0.0.1:3000/s/${token}`);
    const row = await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(token);
    const links = await callerFor(o.actor).share.links({});
    expect(links.map((l) => [l.id, l.status, l.tokenPrefix])).toEqual([[link.id, "active", token.slice(0, 4)]]);
  });

  it("refuses links to another user's node, to one's root, and upload links to a file", async () => {
    const o = await ownerWithTree();
    const other = await createTestUser();
    expect(await rejectionOf(makeLink(other.actor, { nodeId: o.shared.id, permission: "VIEW" }))).toEqual(NOT_FOUND);
    const root = await t.prisma.node.findUniqueOrThrow({ where: { rootOwnerId: o.user.id } });
    expect((await rejectionOf(makeLink(o.actor, { nodeId: root.id, permission: "VIEW" }))).code).toBe("BAD_REQUEST");
    expect((await rejectionOf(makeLink(o.actor, { nodeId: o.a.id, permission: "UPLOAD" }))).code).toBe("BAD_REQUEST");
    // Another user's link id answers like a missing one.
    const { link } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "VIEW" });
    const err = await rejectionOf(callerFor(other.actor).share.revokeLink({ linkId: link.id }));
    expect(err.code).toBe("NOT_FOUND");
    expect(await rejectionOf(callerFor(other.actor).share.accessLog({ linkId: link.id }))).toEqual(err);
  });
});

describe("share links: expiry, limits, revocation", () => {
  it("expires at the minute it was set for", async () => {
    const o = await ownerWithTree();
    const at = new Date(Date.now() + 10 * 60_000 + 12_345);
    const { token, link } = await makeLink(o.actor, { nodeId: o.a.id, permission: "DOWNLOAD", expiresAt: at });
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
    expect(link.expiresAt).toEqual(minute);
    await expect(openLink({ token, need: "download", now: new Date(minute.getTime() - 1) })).resolves.toMatchObject({ id: link.id });
    const gone = await rejectionOf(openLink({ token, need: "download", now: minute }));
    expect(gone).toEqual({ code: "GONE", message: "This link has expired." });
    expect(await claimLinkDownload(link.id, new Date(minute.getTime() - 1))).toBe(true);
    expect(await claimLinkDownload(link.id, minute)).toBe(false);
    // Over HTTP, once the minute has passed: 410 for the bytes and for the page.
    await t.prisma.shareLink.update({ where: { id: link.id }, data: { expiresAt: new Date(Math.floor(Date.now() / 60_000) * 60_000) } });
    expect((await get(fileUrl(token, o.a.id))).status).toBe(410);
    const page = await get(`/s/${token}`);
    expect(page.status).toBe(410);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    expect(await page.text()).toContain("This link has expired.");
  });

  it("holds a download limit exactly under 20 concurrent downloads", async () => {
    const o = await ownerWithTree();
    const { token, link } = await makeLink(o.actor, { nodeId: o.a.id, permission: "DOWNLOAD", maxDownloads: 5 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(fileUrl(token, o.a.id)).then(async (r) => ({ status: r.status, body: await r.text() }))));
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(5);
    expect(ok.every((a) => a.body === "alpha bytes")).toBe(true);
    expect(answers.filter((a) => a.status === 410)).toHaveLength(15);
    expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(5);
    const page = await get(`/s/${token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("download limit");
    const log = await callerFor(o.actor).share.accessLog({ linkId: link.id });
    expect(log.filter((l) => l.action === "download")).toHaveLength(5);
    expect(log[0]).toMatchObject({ ip: "127.0.0.1", bytes: 11 });
  });

  it("answers the share page's HEAD without counting, and names why a used-up or revoked link refuses (X-Share-Status)", async () => {
    const o = await ownerWithTree();
    const { token, link } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "DOWNLOAD", maxDownloads: 1 });
    const head = (path: string) => fetch(baseUrl + path, { method: "HEAD" });
    expect((await head(fileUrl(token, o.a.id))).status).toBe(200);
    expect((await head(`/api/s/${token}/zip`)).status).toBe(200);
    expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(0);
    expect((await get(fileUrl(token, o.a.id))).status).toBe(200);
    for (const path of [fileUrl(token, o.a.id), `/api/s/${token}/zip`]) {
      const refused = await head(path);
      expect(refused.status).toBe(410);
      expect(refused.headers.get("x-share-status")).toBe("exhausted");
    }
    const other = await makeLink(o.actor, { nodeId: o.a.id, permission: "DOWNLOAD" });
    await callerFor(o.actor).share.revokeLink({ linkId: other.link.id });
    expect((await head(fileUrl(other.token, o.a.id))).headers.get("x-share-status")).toBe("revoked");
  });

  it("counts a download once: its resumption needs the ticket the counted start gave, and previews count not at all", async () => {
    const o = await ownerWithTree();
    const img = await createTestFile({ actor: o.actor, parentId: o.shared.id, name: "pic.png", content: Buffer.from("89504e470d0a1a0a", "hex") });
    const { token, link } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "DOWNLOAD", maxDownloads: 2 });
    expect((await get(fileUrl(token, img.id, "?inline=1"))).status).toBe(200);
    const start = await get(fileUrl(token, o.a.id), { Range: "bytes=0-4" });
    expect(start.status).toBe(206);
    const ticket = start.headers.get("set-cookie")!.split(";")[0]!;
    expect(ticket).toMatch(/^ypd_/);
    // Without the ticket, a range past byte 0 is a new download and counts.
    expect((await get(fileUrl(token, o.a.id), { Range: "bytes=5-" })).status).toBe(206);
    expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(2);
    // With it, the first download resumes even though the link is now used up; nothing else does.
    const rest = await get(fileUrl(token, o.a.id), { Range: "bytes=6-", Cookie: ticket });
    expect(rest.status).toBe(206);
    expect(await rest.text()).toBe("bytes");
    expect((await get(fileUrl(token, o.a.id), { Cookie: ticket })).status).toBe(410);
    expect((await get(fileUrl(token, img.id), { Range: "bytes=1-", Cookie: ticket })).status).toBe(410);
    expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(2);
  });

  it("gives a counted visitor one copy however many ranges it takes, and nobody a copy past the limit", async () => {
    const o = await ownerWithTree();
    const bytes = Buffer.from("0123456789".repeat(30));
    const file = await createTestFile({ actor: o.actor, parentId: o.shared.id, name: "data.bin", content: bytes });
    const { token, link } = await makeLink(o.actor, { nodeId: file.id, permission: "DOWNLOAD", maxDownloads: 1 });
    const count = async () => (await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount;

    // The one download, in three ranges (a resumed transfer): counted once, finished past the limit.
    const first = await get(fileUrl(token, file.id), { Range: "bytes=0-99" });
    expect(first.status).toBe(206);
    const ticket = first.headers.get("set-cookie")!.split(";")[0]!;
    expect(await count()).toBe(1);
    const middle = await get(fileUrl(token, file.id), { Range: "bytes=100-199", Cookie: ticket });
    const end = await get(fileUrl(token, file.id), { Range: "bytes=200-", Cookie: ticket });
    expect([middle.status, end.status]).toEqual([206, 206]);
    expect(Buffer.concat([Buffer.from(await first.arrayBuffer()), Buffer.from(await middle.arrayBuffer()), Buffer.from(await end.arrayBuffer())]).equals(bytes)).toBe(true);

    // The finished ticket gives no second copy, by any request; a new visitor gets nothing either.
    const attempts: Record<string, string>[] = [{ Range: "bytes=0-", Cookie: ticket }, { Cookie: ticket }, { Range: "bytes=0-" }, {}];
    for (const headers of attempts) expect((await get(fileUrl(token, file.id), headers)).status, JSON.stringify(headers)).toBe(410);
    expect((await fetch(baseUrl + fileUrl(token, file.id), { method: "HEAD" })).status).toBe(410);
    expect((await get(fileUrl(token, file.id, "?inline=1"), { Cookie: ticket })).status).toBe(410);
    expect(await count()).toBe(1);
  });

  it("never counts a preview, text included (the share page reads it with a range)", async () => {
    const o = await ownerWithTree();
    const notes = await createTestFile({ actor: o.actor, parentId: o.shared.id, name: "notes.log", content: "line one\nline two\n", mimeType: "application/octet-stream" });
    const { token, link } = await makeLink(o.actor, { nodeId: notes.id, permission: "DOWNLOAD", maxDownloads: 1 });
    for (let i = 0; i < 3; i++) {
      const preview = await get(fileUrl(token, notes.id, "?inline=1"), { Range: "bytes=0-1048575" });
      expect(preview.status).toBe(206);
      expect(preview.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(preview.headers.get("content-security-policy")).toBe("sandbox");
    }
    expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(0);
    expect(await (await get(fileUrl(token, notes.id))).text()).toBe("line one\nline two\n");
    expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(1);
  });

  it("shows a used-up link as used up to its owner and to admins alike (one status rule)", async () => {
    const o = await ownerWithTree();
    const admin = await createTestUser({ role: "ADMIN" });
    const { token, link } = await makeLink(o.actor, { nodeId: o.a.id, permission: "DOWNLOAD", maxDownloads: 1, label: `used-up-${link0++}` });
    expect((await get(fileUrl(token, o.a.id))).status).toBe(200);
    expect((await callerFor(o.actor).share.links({})).find((l) => l.id === link.id)?.status).toBe("exhausted");
    const all = await listSharesForAdmin({ actor: admin.actor, search: o.user.email, status: "all" });
    expect(all.items.find((l) => l.id === link.id)?.status).toBe("exhausted");
    const live = await listSharesForAdmin({ actor: admin.actor, search: o.user.email, status: "live" });
    expect(live.items.map((l) => l.id)).not.toContain(link.id);
  });

  it("stops working once revoked, and when its creator is disabled or being deleted", async () => {
    const o = await ownerWithTree();
    const { token, link } = await makeLink(o.actor, { nodeId: o.a.id, permission: "DOWNLOAD" });
    expect((await get(fileUrl(token, o.a.id))).status).toBe(200);
    await callerFor(o.actor).share.revokeLink({ linkId: link.id });
    const res = await get(fileUrl(token, o.a.id));
    expect(res.status).toBe(410);
    expect((await res.json()).message).toBe("This link was turned off by its owner.");
    const page = await get(`/s/${token}`, { "Accept-Language": "zh-CN" });
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("该链接已被分享者关闭。");

    const second = await makeLink(o.actor, { nodeId: o.a.id, permission: "DOWNLOAD" });
    await t.prisma.user.update({ where: { id: o.user.id }, data: { disabledAt: new Date() } });
    expect((await get(fileUrl(second.token, o.a.id))).status).toBe(404);
    await t.prisma.user.update({ where: { id: o.user.id }, data: { disabledAt: null, deletionRequestedAt: new Date() } });
    expect((await get(fileUrl(second.token, o.a.id))).status).toBe(404);
    await t.prisma.user.update({ where: { id: o.user.id }, data: { deletionRequestedAt: null } });
    expect((await get(fileUrl(second.token, o.a.id))).status).toBe(200);
  });
});

describe("share links: password gate", () => {
  it("needs the password on every path; a changed password ends earlier unlocks", async () => {
    const o = await ownerWithTree();
    const { token, link } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "DOWNLOAD", password: "open sesame" });
    expect((await getSharePage({ token })).state).toBe("locked");
    const locked = await get(fileUrl(token, o.a.id));
    expect(locked.status).toBe(403);
    expect((await get(`/api/s/${token}/zip`)).status).toBe(403);

    const wrong = await unlock(token, "guess");
    expect(wrong.res.status).toBe(403);
    expect(wrong.cookie).toBeNull();
    const right = await unlock(token, "open sesame");
    expect(right.res.status).toBe(204);
    expect(right.res.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Lax/);
    expect((await get(fileUrl(token, o.a.id), { Cookie: right.cookie! })).status).toBe(200);
    expect((await getSharePage({ token, cookieHeader: right.cookie })).state).toBe("open");

    // The cookie of one link opens no other link.
    const other = await makeLink(o.actor, { nodeId: o.shared.id, permission: "DOWNLOAD", password: "open sesame" });
    expect((await get(fileUrl(other.token, o.a.id), { Cookie: right.cookie! })).status).toBe(403);

    await callerFor(o.actor).share.updateLink({ linkId: link.id, password: "new secret" });
    const stale = await get(fileUrl(token, o.a.id), { Cookie: right.cookie! });
    expect(stale.status).toBe(403);
    expect((await stale.json()).message).toBe("This link is protected by a password.");
    expect((await unlock(token, "open sesame")).res.status).toBe(403);
    const again = await unlock(token, "new secret");
    expect((await get(fileUrl(token, o.a.id), { Cookie: again.cookie! })).status).toBe(200);
  });

  it("answers 429 with Retry-After to brute force, even for the right password", async () => {
    const o = await ownerWithTree();
    const { token, link } = await makeLink(o.actor, { nodeId: o.a.id, permission: "DOWNLOAD", password: "hunter22" });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await unlock(token, `wrong-${i}`)).res.status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(403));
    expect(statuses[10]).toBe(429);
    const blocked = await unlock(token, "hunter22");
    expect(blocked.res.status).toBe(429);
    expect(Number(blocked.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.cookie).toBeNull();
    const log = await callerFor(o.actor).share.accessLog({ linkId: link.id });
    expect(log.filter((l) => l.action === "unlock-failed")).toHaveLength(10);
  });
});

describe("share links: password guessing", () => {
  it("stops guessing addresses without locking out the right password from a fresh or familiar address", async () => {
    const o = await ownerWithTree();
    const { token } = await makeLink(o.actor, { nodeId: o.a.id, permission: "DOWNLOAD", password: "hunter22" });
    await unlockLink({ token, password: "hunter22", ip: "10.17.6.9" }); // a visitor who opened it before
    for (const ip of ["10.66.2.1", "10.66.2.2", "10.66.2.3"]) {
      for (let i = 0; i < 10; i++) expect((await rejectionOf(unlockLink({ token, password: `wrong-${i}`, ip }))).code).toBe("FORBIDDEN");
      expect((await rejectionOf(unlockLink({ token, password: "hunter22", ip }))).code).toBe("TOO_MANY_REQUESTS");
    }
    // 30 wrong answers from 3 addresses: the right password from a fresh address still opens it…
    expect((await unlockLink({ token, password: "hunter22", ip: "10.17.6.10" })).name).toMatch(/^yps_/);
    // …strangers are slowed to one attempt per 10 s, and the familiar address is never slowed.
    expect((await rejectionOf(unlockLink({ token, password: "guess", ip: "10.66.2.4" }))).code).toBe("TOO_MANY_REQUESTS");
    expect((await unlockLink({ token, password: "hunter22", ip: "10.17.6.9" })).name).toMatch(/^yps_/);
  });
});

describe("share links: permissions and confinement", () => {
  it("keeps a folder link inside its subtree: foreign ids, siblings and `..` are not found", async () => {
    const o = await ownerWithTree();
    const other = await createTestUser();
    const theirs = await createTestFile({ actor: other.actor, name: "theirs.txt", content: "theirs" });
    const { token } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "DOWNLOAD" });

    expect(await (await get(fileUrl(token, o.b.id))).text()).toBe("beta bytes");
    for (const id of [o.secret.id, theirs.id, o.sibling.id]) {
      const res = await get(fileUrl(token, id));
      expect(res.status).toBe(404);
      expect((await get(`/api/s/${token}/zip?ids=${id}`)).status).toBe(404);
    }
    expect(await rejectionOf(getSharePage({ token, folderId: o.sibling.id }))).toEqual(NOT_FOUND);
    const root = await t.prisma.node.findUniqueOrThrow({ where: { rootOwnerId: o.user.id } });
    expect(await rejectionOf(getSharePage({ token, folderId: root.id }))).toEqual(NOT_FOUND);

    // `..` never reaches a handler: the raw path is not a share route.
    const raw = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${baseUrl}/api/s/${token}/files/${o.inner.id}/../../files/${o.secret.id}/content`, { method: "GET" }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.end();
    });
    expect(raw).toBe(404);

    // Browsing shows breadcrumbs from the shared root only.
    const page = await getSharePage({ token, folderId: o.inner.id });
    if (page.state !== "open") throw new Error("expected an open page");
    expect(page.folder?.path.map((p) => p.name)).toEqual(["Shared", "inner"]);
    expect(page.folder?.items.map((i) => i.name)).toEqual(["b.txt"]);

    // A trashed subfolder is gone from the link too.
    await callerFor(o.actor).drive.trash({ nodeIds: [o.inner.id] });
    expect((await get(fileUrl(token, o.b.id))).status).toBe(404);
  });

  it("zips the shared folder or a selection inside it, byte for byte", async () => {
    const o = await ownerWithTree();
    const { token } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "DOWNLOAD" });
    const res = await get(`/api/s/${token}/zip`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("Shared.zip");
    const { entries } = readZip(Buffer.from(await res.arrayBuffer()));
    const files = Object.fromEntries(entries.filter((e) => !e.isDir).map((e) => [e.name, e.data.toString()]));
    expect(files).toEqual({ "Shared/a.txt": "alpha bytes", "Shared/inner/b.txt": "beta bytes" });
    const some = await get(`/api/s/${token}/zip?ids=${o.a.id}`);
    const picked = readZip(Buffer.from(await some.arrayBuffer())).entries.map((e) => e.name);
    expect(picked).toEqual(["a.txt"]);
  });

  it("lets a VIEW link preview passive types only, and never download bytes", async () => {
    const o = await ownerWithTree();
    const png = await createTestFile({ actor: o.actor, parentId: o.shared.id, name: "pic.png", content: Buffer.from("89504e470d0a1a0a", "hex") });
    const html = await createTestFile({ actor: o.actor, parentId: o.shared.id, name: "x.html", content: "<script>alert(1)</script>" });
    const { token } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "VIEW" });
    const preview = await get(fileUrl(token, png.id, "?inline=1"));
    expect(preview.status).toBe(200);
    expect(preview.headers.get("content-security-policy")).toBe("sandbox");
    expect(preview.headers.get("x-content-type-options")).toBe("nosniff");
    expect(preview.headers.get("content-disposition")).toMatch(/^inline/);
    expect((await get(fileUrl(token, png.id))).status).toBe(403);
    expect((await get(fileUrl(token, html.id, "?inline=1"))).status).toBe(403);
    expect((await get(fileUrl(token, o.a.id))).status).toBe(403);
    expect((await get(`/api/s/${token}/zip`)).status).toBe(403);
  });

  it("serves script-carrying types as sandboxed attachments on a download link", async () => {
    const o = await ownerWithTree();
    const svg = await createTestFile({ actor: o.actor, parentId: o.shared.id, name: "x.svg", content: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' });
    const { token } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "DOWNLOAD" });
    const res = await get(fileUrl(token, svg.id, "?inline=1"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(res.headers.get("content-security-policy")).toBe("sandbox");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("gives an upload link nothing to list or download", async () => {
    const o = await ownerWithTree();
    const { token } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "UPLOAD" });
    const page = await getSharePage({ token });
    expect(page).toMatchObject({ state: "open", folder: null });
    expect(JSON.stringify(page)).not.toContain("a.txt");
    expect((await get(fileUrl(token, o.a.id))).status).toBe(403);
    expect((await get(fileUrl(token, o.a.id, "?inline=1"))).status).toBe(403);
    expect((await get(`/api/s/${token}/zip`)).status).toBe(403);
  });

  it("hands a live page to Next with a strict CSP carrying a nonce; unknown tokens go to Next's 404", async () => {
    const o = await ownerWithTree();
    const { token } = await makeLink(o.actor, { nodeId: o.shared.id, permission: "VIEW" });
    const res = await get(`/s/${token}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("x-seen-csp")).toBe(csp);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await get(`/s/${"x".repeat(32)}`)).status).toBe(200);
  });
});
