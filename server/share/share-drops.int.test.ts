import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { drainQueue } from "@/server/jobs/queue";
import "@/server/notify/job-handlers";

const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const meta = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k} ${b64(v)}`).join(",");

/** A whole drop over tus as a visitor's browser makes it: the link's token in X-Yunpan-Share. */
async function drop(token: string, name: string, body: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const bytes = Buffer.from(body);
  const create = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { ...TUS, ...headers, "X-Yunpan-Share": token, "Upload-Length": String(bytes.length), "Upload-Metadata": meta({ filename: name, ...extra }) },
  });
  if (create.status !== 201) return { create, patch: null };
  const url = new URL(create.headers.get("location")!, http.baseUrl).toString();
  const patch = await fetch(url, {
    method: "PATCH",
    headers: { ...TUS, ...headers, "X-Yunpan-Share": token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
    body: bytes,
  });
  return { create, patch, url };
}

async function setup(permission: "UPLOAD" | "DOWNLOAD_UPLOAD" | "DOWNLOAD" = "UPLOAD", extra: { maxUploadBytes?: number; password?: string } = {}) {
  const owner = await createTestUser({ name: "Olivia" });
  const drive = callerFor(owner.actor).drive;
  const inbox = await drive.createFolder({ name: "Inbox" });
  const elsewhere = await drive.createFolder({ name: "Elsewhere" });
  const { token, link } = await callerFor(owner.actor).share.createLink({ nodeId: inbox.id, permission, ...extra });
  return { owner, inbox, elsewhere, token, link };
}

describe("upload links (file drop over tus)", () => {
  it("lands drops only in the shared folder, charged to the owner, without replacing their files", async () => {
    const s = await setup();
    await createTestFile({ actor: s.owner.actor, parentId: s.inbox.id, name: "report.txt", content: "owner's own" });
    const before = (await t.prisma.user.findUniqueOrThrow({ where: { id: s.owner.user.id } })).usedBytes;

    const one = await drop(s.token, "report.txt", "visitor one", { name: "Vera Visitor", parentId: s.elsewhere.id, relativePath: "x/y" });
    expect(one.create.status).toBe(201);
    expect(one.patch!.status).toBe(204);
    // The visitor learns nothing of the folder, not even the new file's id.
    expect(one.patch!.headers.get("upload-node-id")).toBeNull();
    const two = await drop(s.token, "notes.md", "visitor two");
    expect(two.patch!.status).toBe(204);

    const listed = await callerFor(s.owner.actor).drive.list({ folderId: s.inbox.id });
    expect(listed.items.map((i) => i.name).sort()).toEqual(["notes.md", "report (1).txt", "report.txt"]);
    expect((await callerFor(s.owner.actor).drive.list({ folderId: s.elsewhere.id })).items).toEqual([]);
    const original = listed.items.find((i) => i.name === "report.txt")!;
    expect(original.size).toBe("owner's own".length);
    const after = (await t.prisma.user.findUniqueOrThrow({ where: { id: s.owner.user.id } })).usedBytes;
    expect(after - before).toBe(BigInt("visitor one".length + "visitor two".length));
    const link = await t.prisma.shareLink.findUniqueOrThrow({ where: { id: s.link.id } });
    expect(link.uploadedBytes).toBe(BigInt(22));

    const log = await callerFor(s.owner.actor).share.accessLog({ linkId: s.link.id });
    expect(log.filter((l) => l.action === "upload").map((l) => l.bytes).sort()).toEqual([11, 11]);

    // One batched notice for both drops: in-app and by mail (written to the log without SMTP_URL).
    await t.prisma.queuedJob.updateMany({ where: { kind: "notify.drops" }, data: { runAt: new Date() } });
    await drainQueue();
    const { items, unread } = await callerFor(s.owner.actor).notify.list({});
    expect(unread).toBe(1);
    expect(items[0]!.data).toMatchObject({ kind: "drops", count: 2, item: "Inbox", folderId: s.inbox.id, names: ["Vera Visitor"] });
    const mails = await t.prisma.queuedJob.findMany({ where: { kind: "mail.send" } });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.status).toBe("DONE");
    expect(mails[0]!.payload).toMatchObject({ to: s.owner.user.email, subject: "2 files were dropped into “Inbox”" });

    // A later drop makes a new notice counting only itself.
    await drop(s.token, "late.txt", "late");
    await t.prisma.queuedJob.updateMany({ where: { kind: "notify.drops", status: "QUEUED" }, data: { runAt: new Date() } });
    await drainQueue();
    const again = await callerFor(s.owner.actor).notify.list({});
    expect(again.items[0]!.data).toMatchObject({ kind: "drops", count: 1 });
    await callerFor(s.owner.actor).notify.markRead({});
    expect(await callerFor(s.owner.actor).notify.unread()).toBe(0);
  });

  it("refuses drops through links without upload permission, revoked links, and past the size cap", async () => {
    const dl = await setup("DOWNLOAD");
    expect((await drop(dl.token, "a.txt", "nope")).create.status).toBe(403);

    const capped = await setup("UPLOAD", { maxUploadBytes: 10 });
    expect((await drop(capped.token, "a.txt", "123456")).patch!.status).toBe(204);
    const full = await drop(capped.token, "b.txt", "123456");
    expect(full.create.status).toBe(413);
    expect(await full.create.text()).toContain("no room left");

    const revoked = await setup();
    const started = await fetch(`${http.baseUrl}/api/upload`, {
      method: "POST",
      headers: { ...TUS, "X-Yunpan-Share": revoked.token, "Upload-Length": "4", "Upload-Metadata": meta({ filename: "x.txt" }) },
    });
    expect(started.status).toBe(201);
    await callerFor(revoked.owner.actor).share.revokeLink({ linkId: revoked.link.id });
    const url = new URL(started.headers.get("location")!, http.baseUrl).toString();
    const patch = await fetch(url, { method: "PATCH", headers: { ...TUS, "X-Yunpan-Share": revoked.token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }, body: "abcd" });
    expect(patch.status).toBe(410);
    expect((await drop("A".repeat(32), "x.txt", "x")).create.status).toBe(404);
  });

  it("needs the unlock cookie of a password-protected upload link, and keeps each visitor to their own uploads", async () => {
    const s = await setup("UPLOAD", { password: "drop it here" });
    expect((await drop(s.token, "a.txt", "abc")).create.status).toBe(403);
    const unlock = await fetch(`${http.baseUrl}/api/s/${s.token}/unlock`, { method: "POST", body: JSON.stringify({ password: "drop it here" }) });
    const cookie = unlock.headers.get("set-cookie")!.split(";")[0]!;
    const ok = await drop(s.token, "a.txt", "abc", {}, { Cookie: cookie });
    expect(ok.patch!.status).toBe(204);

    // Another link's token cannot touch this upload, nor can a signed-in stranger.
    const other = await setup();
    const head = await fetch(ok.url!, { method: "HEAD", headers: { ...TUS, "X-Yunpan-Share": other.token } });
    expect(head.status).toBe(404);
    const sha = createHash("sha256").update("abc").digest("hex");
    const node = await t.prisma.node.findFirstOrThrow({ where: { parentId: s.inbox.id, name: "a.txt" }, include: { currentVersion: { include: { blob: true } } } });
    expect(node.currentVersion!.blob.sha256).toBe(sha);
  });

  it("gives a drop's bytes back to the link's cap when it is cancelled or expires unfinished", async () => {
    const capped = await setup("UPLOAD", { maxUploadBytes: 10 });
    const start = () =>
      fetch(`${http.baseUrl}/api/upload`, {
        method: "POST",
        headers: { ...TUS, "X-Yunpan-Share": capped.token, "Upload-Length": "8", "Upload-Metadata": meta({ filename: "big.bin" }) },
      });
    const first = await start();
    expect(first.status).toBe(201);
    expect((await start()).status).toBe(413); // 8 + 8 > 10 while the first is in flight
    // The visitor gives up: the tus DELETE ends the upload and frees its 8 bytes.
    const url = new URL(first.headers.get("location")!, http.baseUrl).toString();
    expect((await fetch(url, { method: "DELETE", headers: { ...TUS, "X-Yunpan-Share": capped.token } })).status).toBe(204);
    await expect.poll(async () => (await t.prisma.shareLink.findUniqueOrThrow({ where: { id: capped.link.id } })).uploadedBytes).toBe(0n);
    const second = await start();
    expect(second.status).toBe(201);
    // Left alone past its expiry, it frees its bytes again.
    const id = new URL(second.headers.get("location")!, http.baseUrl).pathname.split("/").pop()!;
    const { expireStaleUploads } = await import("@/server/upload/upload-expiry.service");
    await expireStaleUploads(async () => {}, new Date(Date.now() + 365 * 24 * 3600_000));
    expect((await t.prisma.uploadSession.findUniqueOrThrow({ where: { id } })).status).toBe("ABORTED");
    expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: capped.link.id } })).uploadedBytes).toBe(0n);
    expect((await drop(capped.token, "fits.bin", "0123456789")).patch!.status).toBe(204);
  });

  it("lets an upload link whose download limit ran out keep taking drops", async () => {
    const s = await setup("DOWNLOAD_UPLOAD");
    await t.prisma.shareLink.update({ where: { id: s.link.id }, data: { maxDownloads: 1, downloadCount: 1 } });
    expect((await drop(s.token, "a.txt", "abc")).patch!.status).toBe(204);
    expect((await fetch(`${http.baseUrl}/api/s/${s.token}/zip`)).status).toBe(410);
  });
});
