import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser, TEST_PASSWORD } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { revokeApiToken } from "@/server/auth/api-token.service";
import { authenticateDav } from "@/server/dav/dav-auth";
import type { IncomingMessage } from "node:http";
import { cliActor } from "@/server/auth/actor";
import { createTeamFolder, setTeamMember } from "@/server/teams/team-folder.service";

const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

const basic = (email: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${email}:${secret}`).toString("base64")}` });
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function davUser() {
  const { user, actor } = await createTestUser();
  const { token, apiToken } = await createTestToken(actor, "dav");
  return { user, actor, token, tokenId: apiToken.id, auth: basic(user.email, token) };
}

function dav(path: string, method: string, headers: Record<string, string>, body?: string) {
  return fetch(`${http.baseUrl}/dav${path}`, { method, headers, body });
}

describe("WebDAV rules", () => {
  it("answers another user's paths exactly like missing ones", async () => {
    const alice = await davUser();
    const bob = await davUser();
    await createTestFile({ actor: alice.actor, name: "secret.txt", content: "alice only" });
    for (const method of ["GET", "PROPFIND", "DELETE"]) {
      const headers = { ...bob.auth, Depth: "0" };
      expect((await dav("/secret.txt", method, headers)).status).toBe(404);
    }
    // A folder of Alice's shared with Bob is not reachable by path either: his drive is his root.
    expect((await dav("/secret.txt", "GET", alice.auth)).status).toBe(200);
  });

  it("takes an app password only with the email of the account it belongs to", async () => {
    const alice = await davUser();
    const bob = await davUser();
    await createTestFile({ actor: alice.actor, name: "secret.txt", content: "alice only" });
    // Bob's own token presented under Alice's email does not open Alice's drive.
    expect((await dav("/secret.txt", "GET", basic(alice.user.email, bob.token))).status).toBe(401);
    expect((await dav("/secret.txt", "GET", basic(alice.user.email, alice.token))).status).toBe(200);
  });

  it("stops a revoked app password at once, and refuses the account password once 2FA is on", async () => {
    const u = await davUser();
    expect((await dav("/", "PROPFIND", { ...u.auth, Depth: "0" })).status).toBe(207);
    await revokeApiToken({ actor: u.actor, tokenId: u.tokenId });
    const revoked = await dav("/", "PROPFIND", { ...u.auth, Depth: "0" });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("www-authenticate")).toMatch(/^Basic realm="Yunpan"/);

    const withPassword = basic(u.user.email, TEST_PASSWORD);
    expect((await dav("/", "PROPFIND", { ...withPassword, Depth: "0" })).status).toBe(207);
    await t.prisma.user.update({ where: { id: u.user.id }, data: { totpSecret: "sealed", totpEnabledAt: new Date() } });
    expect((await dav("/", "PROPFIND", { ...withPassword, Depth: "0" })).status).toBe(401);
    // Another user's app password with this email is refused too.
    const other = await davUser();
    expect((await dav("/", "PROPFIND", { ...basic(u.user.email, other.token), Depth: "0" })).status).toBe(401);
  });

  it("refuses Depth infinity and lists Depth 1 with sizes, sha256 ETags and dates", async () => {
    const u = await davUser();
    await createTestFile({ actor: u.actor, name: "a.txt", content: "hello" });
    const inf = await dav("/", "PROPFIND", { ...u.auth, Depth: "infinity" });
    expect(inf.status).toBe(403);
    expect(await inf.text()).toContain("propfind-finite-depth");
    const res = await dav("/", "PROPFIND", { ...u.auth, Depth: "1" });
    expect(res.status).toBe(207);
    const xml = await res.text();
    expect(xml).toContain("<D:href>/dav/a.txt</D:href>");
    expect(xml).toContain("<D:getcontentlength>5</D:getcontentlength>");
    expect(xml).toContain(`<D:getetag>&quot;${sha256("hello")}&quot;</D:getetag>`);
    expect(xml).toMatch(/<D:getlastmodified>\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT<\/D:getlastmodified>/);
  });

  it("adds a version on PUT over a file, serves ranges, and DELETE moves to the trash", async () => {
    const u = await davUser();
    const api = callerFor(u.actor);
    expect((await dav("/notes.txt", "PUT", u.auth, "first")).status).toBe(201);
    const second = await dav("/notes.txt", "PUT", u.auth, "second version");
    expect(second.status).toBe(204);
    expect(second.headers.get("etag")).toBe(`"${sha256("second version")}"`);
    const file = (await api.drive.list({})).items.find((n) => n.name === "notes.txt")!;
    expect(await api.drive.versions({ nodeId: file.id })).toHaveLength(2);

    const part = await dav("/notes.txt", "GET", { ...u.auth, Range: "bytes=7-13" });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe("version");

    expect((await dav("/notes.txt", "DELETE", u.auth)).status).toBe(204);
    expect((await dav("/notes.txt", "GET", u.auth)).status).toBe(404);
    const trash = await api.drive.listTrash({});
    expect(trash.items.map((n) => n.name)).toContain("notes.txt");
  });

  it("COPY shares the blob (no new bytes) and charges the quota; MOVE renames in place", async () => {
    const u = await davUser();
    await createTestFile({ actor: u.actor, name: "orig.bin", content: "x".repeat(1000) });
    expect((await dav("/orig.bin", "COPY", { ...u.auth, Destination: `${http.baseUrl}/dav/copy.bin` })).status).toBe(201);
    const blob = await t.prisma.blob.findFirstOrThrow({ where: { sha256: sha256("x".repeat(1000)) } });
    expect(blob.refCount).toBe(2);
    expect(Number((await t.prisma.user.findUniqueOrThrow({ where: { id: u.user.id } })).usedBytes)).toBe(2000);

    const before = await t.prisma.node.findFirstOrThrow({ where: { ownerId: u.user.id, name: "copy.bin" } });
    expect((await dav("/copy.bin", "MOVE", { ...u.auth, Destination: "/dav/renamed.bin" })).status).toBe(201);
    const after = await t.prisma.node.findFirstOrThrow({ where: { ownerId: u.user.id, name: "renamed.bin" } });
    expect(after.id).toBe(before.id);
    // Overwrite: F refuses an existing destination.
    expect((await dav("/orig.bin", "COPY", { ...u.auth, Destination: "/dav/renamed.bin", Overwrite: "F" })).status).toBe(412);
  });

  it("shows what others shared under “Shared with me”, with the grant's role on every action", async () => {
    const owner = await davUser();
    const guest = await davUser();
    const api = callerFor(owner.actor);
    const team = await api.drive.createFolder({ name: "Team" });
    const ro = await api.drive.createFolder({ name: "Read only" });
    await createTestFile({ actor: owner.actor, name: "plan.txt", parentId: team.id, content: "the plan" });
    await createTestFile({ actor: owner.actor, name: "memo.txt", parentId: ro.id, content: "memo" });
    // Before any grant there is no shared folder at all.
    expect((await dav("/Shared with me/", "PROPFIND", { ...guest.auth, Depth: "0" })).status).toBe(404);
    await t.prisma.grant.create({ data: { nodeId: team.id, granteeId: guest.user.id, createdById: owner.user.id, role: "EDITOR" } });
    await t.prisma.grant.create({ data: { nodeId: ro.id, granteeId: guest.user.id, createdById: owner.user.id, role: "VIEWER" } });

    const root = await (await dav("/", "PROPFIND", { ...guest.auth, Depth: "1" })).text();
    expect(root).toContain("<D:href>/dav/Shared%20with%20me/</D:href>");
    const shared = await (await dav("/Shared%20with%20me/", "PROPFIND", { ...guest.auth, Depth: "1" })).text();
    expect(shared).toContain("/dav/Shared%20with%20me/Team/");
    expect(shared).toContain("/dav/Shared%20with%20me/Read%20only/");
    expect(await (await dav("/Shared%20with%20me/Team/plan.txt", "GET", guest.auth)).text()).toBe("the plan");

    // An editor writes inside; the bytes count against the owner's quota, and the owner sees them.
    expect((await dav("/Shared%20with%20me/Team/notes.txt", "PUT", guest.auth, "from the guest")).status).toBe(201);
    expect((await api.drive.list({ folderId: team.id })).items.map((n) => n.name)).toContain("notes.txt");
    // A viewer cannot write; nobody but the owner deletes or moves the shared item itself.
    expect((await dav("/Shared%20with%20me/Read%20only/new.txt", "PUT", guest.auth, "no")).status).toBe(404);
    expect((await dav("/Shared%20with%20me/Team", "DELETE", guest.auth)).status).toBe(403);
    expect((await dav("/Shared%20with%20me/x.txt", "PUT", guest.auth, "no")).status).toBe(403);
    expect((await dav("/Shared%20with%20me/Team/plan.txt", "MOVE", { ...guest.auth, Destination: "/dav/mine.txt" })).status).toBe(403);
    // Copying out into one's own drive is allowed (and charged to the guest).
    const copied = await dav("/Shared%20with%20me/Team/plan.txt", "COPY", { ...guest.auth, Destination: "/dav/mine.txt" });
    expect(copied.status, await copied.clone().text()).toBe(201);
    expect(await (await dav("/mine.txt", "GET", guest.auth)).text()).toBe("the plan");
  });

  it("answers 507 when the quota is used up", async () => {
    const u = await davUser();
    await t.prisma.user.update({ where: { id: u.user.id }, data: { quotaBytes: 10n } });
    const res = await dav("/big.txt", "PUT", u.auth, "more than ten bytes");
    expect(res.status).toBe(507);
    expect(await t.prisma.node.count({ where: { ownerId: u.user.id, name: "big.txt" } })).toBe(0);
  });

  it("rate-limits wrong Basic credentials with 429 and Retry-After", async () => {
    const u = await davUser();
    let last: Response | null = null;
    for (let i = 0; i < 12; i++) last = await dav("/", "PROPFIND", { ...basic(u.user.email, "wrong password"), Depth: "0" });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    // The right password from this guessing address waits too; an app password never does.
    expect((await dav("/", "PROPFIND", { ...basic(u.user.email, TEST_PASSWORD), Depth: "0" })).status).toBe(429);
    expect((await dav("/", "PROPFIND", { ...u.auth, Depth: "0" })).status).toBe(207);
  });

  it("lets ten addresses guessing a password block neither the app password nor the owner's password", async () => {
    const u = await davUser();
    const request = (ip: string, secret: string) =>
      ({ headers: { authorization: basic(u.user.email, secret).Authorization, "x-yunpan-client-ip": ip }, socket: {} }) as unknown as IncomingMessage;
    expect((await authenticateDav(request("10.17.6.20", TEST_PASSWORD)))?.userId).toBe(u.user.id); // the owner's client
    for (let i = 0; i < 10; i++) expect(await authenticateDav(request(`10.66.3.${i}`, "wrong password"))).toBeNull();
    expect((await authenticateDav(request("10.66.3.1", u.token)))?.userId).toBe(u.user.id);
    expect((await authenticateDav(request("10.17.6.21", u.token)))?.userId).toBe(u.user.id);
    for (let i = 0; i < 40; i++) await authenticateDav(request("10.66.3.99", `ypt_forged${i}`)).catch(() => null);
    expect((await authenticateDav(request("10.66.3.99", u.token)))?.userId).toBe(u.user.id);
    // The owner's password from their own address, past the minute the client cache holds it.
    (globalThis as Record<symbol, unknown>)[Symbol.for("yunpan.davPasswordCache")] = new Map();
    expect((await authenticateDav(request("10.17.6.20", TEST_PASSWORD)))?.userId).toBe(u.user.id);
  });
});



describe("PROPFIND Depth 1 on a big folder", () => {
  it("lists every entry exactly once across batches, folders first", async () => {
    const u = await davUser();
    const { seedBigFolder } = await import("@/server/drive/seed.service");
    await seedBigFolder({ actor: { userId: "cli", role: "ADMIN", via: "cli" }, email: u.user.email, folderName: "big", count: 2500 });
    const big = await t.prisma.node.findFirstOrThrow({ where: { ownerId: u.user.id, name: "big" } });
    await createTestFile({ actor: u.actor, name: "a-file.txt", parentId: big.id, content: "x" });
    const xml = await (await dav("/big/", "PROPFIND", { ...u.auth, Depth: "1" })).text();
    const hrefs = [...xml.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]!);
    expect(hrefs).toHaveLength(2502);
    expect(new Set(hrefs).size).toBe(2502);
    expect(hrefs[1]).toBe("/dav/big/item%200001/");
    expect(hrefs.at(-1)).toBe("/dav/big/a-file.txt");
  });
});

describe("WebDAV team folders", () => {
  it("lists a member's team folders under /dav/Team folders/, writes for editors, not for viewers", async () => {
    const editor = await davUser();
    const viewer = await davUser();
    const stranger = await davUser();
    const name = `Design ${Math.random().toString(36).slice(2, 6)}`;
    const team = await createTeamFolder({ actor: cliActor, name, quotaBytes: 1024 * 1024 });
    await setTeamMember({ actor: cliActor, teamFolderId: team.id, email: editor.user.email, role: "EDITOR" });
    await setTeamMember({ actor: cliActor, teamFolderId: team.id, email: viewer.user.email, role: "VIEWER" });
    const base = `/Team%20folders/${encodeURIComponent(name)}`;

    const root = await (await dav("/", "PROPFIND", { ...editor.auth, Depth: "1" })).text();
    expect(root).toContain("<D:href>/dav/Team%20folders/</D:href>");
    const teams = await (await dav("/Team%20folders/", "PROPFIND", { ...editor.auth, Depth: "1" })).text();
    expect(teams).toContain(`<D:href>/dav${base}/</D:href>`);

    expect((await dav(`${base}/plan.txt`, "PUT", editor.auth, "team plan")).status).toBe(201);
    const got = await dav(`${base}/plan.txt`, "GET", viewer.auth);
    expect(await got.text()).toBe("team plan");
    expect((await dav(`${base}/other.txt`, "PUT", viewer.auth, "no")).status).toBe(404);
    expect((await dav(`${base}`, "DELETE", editor.auth)).status).toBe(403);
    expect((await dav("/Team%20folders/new.txt", "PUT", editor.auth, "x")).status).toBe(403);
    // Someone not in the team folder has no such folder.
    expect((await dav(`${base}/plan.txt`, "GET", stranger.auth)).status).toBe(404);
    const account = await t.prisma.teamFolder.findUniqueOrThrow({ where: { id: team.id }, include: { account: true } });
    expect(account.account.usedBytes).toBe(BigInt("team plan".length));
  });

  it("shows the team folder's quota inside it (RFC 4331 properties), the caller's own quota elsewhere", async () => {
    const editor = await davUser();
    await t.prisma.user.update({ where: { id: editor.user.id }, data: { quotaBytes: 5000n } });
    const name = `Quota ${Math.random().toString(36).slice(2, 6)}`;
    const team = await createTeamFolder({ actor: cliActor, name, quotaBytes: 1024 * 1024 });
    await setTeamMember({ actor: cliActor, teamFolderId: team.id, email: editor.user.email, role: "EDITOR" });
    const base = `/Team%20folders/${encodeURIComponent(name)}`;
    expect((await dav(`${base}/plan.txt`, "PUT", editor.auth, "team plan")).status).toBe(201);
    expect((await dav(`${base}/Sub`, "MKCOL", editor.auth)).status).toBe(201);
    expect((await dav("/mine.txt", "PUT", editor.auth, "0123456789")).status).toBe(201);

    const body = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>';
    const quota = async (path: string) => {
      const xml = await (await dav(path, "PROPFIND", { ...editor.auth, Depth: "0", "Content-Type": "application/xml" }, body)).text();
      return [/<D:quota-used-bytes>(\d+)</.exec(xml)?.[1], /<D:quota-available-bytes>(\d+)</.exec(xml)?.[1]].map(Number);
    };
    const teamUsed = "team plan".length;
    expect(await quota(`${base}/`)).toEqual([teamUsed, 1024 * 1024 - teamUsed]);
    expect(await quota(`${base}/Sub/`)).toEqual([teamUsed, 1024 * 1024 - teamUsed]);
    expect(await quota(`${base}/plan.txt`)).toEqual([teamUsed, 1024 * 1024 - teamUsed]);
    expect(await quota("/")).toEqual([10, 5000 - 10]);
    expect(await quota("/Team%20folders/")).toEqual([10, 5000 - 10]);
  });
});
