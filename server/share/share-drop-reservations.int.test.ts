import { randomBytes } from "node:crypto";
import { access } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { countAttempt, limits, resetLimit } from "@/server/security/rate-limit";
import { expireStaleUploads } from "@/server/upload/upload-expiry.service";

// What an anonymous visitor of an upload link can hold of its owner's quota: reservations made
// through a link, over the real tus endpoint. Drops through a link without a cap: 1 MiB each.
const t = useTestDatabase({ env: { SHARE_DROP_MAX_BYTES: "1MiB" } });
const KiB = 1024;
const MiB = 1024 * KiB;
const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

async function setup(options: { quota?: number; maxUploadBytes?: number; label?: string } = {}) {
  const owner = await createTestUser({ name: "Olivia" });
  if (options.quota) await t.prisma.user.update({ where: { id: owner.user.id }, data: { quotaBytes: BigInt(options.quota) } });
  const inbox = await callerFor(owner.actor).drive.createFolder({ name: `Inbox ${randomBytes(3).toString("hex")}` });
  const { token, link } = await callerFor(owner.actor).share.createLink({
    nodeId: inbox.id,
    permission: "UPLOAD",
    maxUploadBytes: options.maxUploadBytes,
    label: options.label,
  });
  return { owner, inbox, token, link };
}

/** A visitor announces a drop and sends nothing. */
async function announce(token: string, size: number, headers: Record<string, string> = {}) {
  const res = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { ...TUS, ...headers, "X-Yunpan-Share": token, "Upload-Length": String(size), "Upload-Metadata": `filename ${b64("drop.bin")}` },
  });
  const location = res.headers.get("location");
  return { res, id: location ? location.split("/").pop()! : null, url: location ? new URL(location, http.baseUrl).toString() : null };
}

/** The owner's own upload of `size` bytes: created (201) or refused (413 when the quota is held). */
async function ownerUpload(actor: Parameters<typeof createTestToken>[0], size: number) {
  const { headers } = await createTestToken(actor);
  return fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { ...TUS, ...headers, "Upload-Length": String(size), "Upload-Metadata": `filename ${b64("mine.bin")}` },
  });
}

describe("reservations made through an upload link", () => {
  it("are bounded by the link: its cap, or the per-drop default when it has none", async () => {
    const open = await setup({ quota: 100 * MiB });
    const big = await announce(open.token, MiB + 1);
    expect(big.res.status).toBe(413);
    expect(((await big.res.json()) as { message: string }).message).toBe("This link takes files of up to 1.0 MiB each.");
    const zh = await announce(open.token, MiB + 1, { "Accept-Language": "zh-CN" });
    expect(((await zh.res.json()) as { message: string }).message).toBe("该链接接收的每个文件最大为 1.0 MiB。");
    expect((await announce(open.token, MiB)).res.status).toBe(201);

    // A link with a cap takes drops up to what is left of it, even past the default.
    const capped = await setup({ quota: 100 * MiB, maxUploadBytes: 3 * MiB });
    expect((await announce(capped.token, 2 * MiB)).res.status).toBe(201);
    expect((await announce(capped.token, 2 * MiB)).res.status).toBe(413);
  });

  it("show in the owner's unfinished uploads, naming the link, and the owner can discard them", async () => {
    const s = await setup({ quota: MiB, label: "Tax papers" });
    const drop = await announce(s.token, MiB - 24);
    expect(drop.res.status).toBe(201);
    expect((await ownerUpload(s.owner.actor, KiB)).status).toBe(413);

    const unfinished = await callerFor(s.owner.actor).upload.unfinished();
    expect(unfinished.find((u) => u.id === drop.id)).toMatchObject({ size: MiB - 24, offset: 0, viaLink: { id: s.link.id, label: "Tax papers" } });
    // Nobody else sees it.
    const stranger = await createTestUser();
    expect((await callerFor(stranger.actor).upload.unfinished()).map((u) => u.id)).not.toContain(drop.id);

    await callerFor(s.owner.actor).upload.cancel({ uploadId: drop.id! });
    expect((await ownerUpload(s.owner.actor, KiB)).status).toBe(201);
  });

  it("are ended when the link is revoked or deleted: bytes removed, quota and link room freed", async () => {
    const s = await setup({ quota: MiB });
    const drop = await announce(s.token, MiB - 24);
    expect(drop.res.status).toBe(201);
    const sent = await fetch(drop.url!, {
      method: "PATCH",
      headers: { ...TUS, "X-Yunpan-Share": s.token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: new Uint8Array(randomBytes(100)),
    });
    expect(sent.status).toBe(204);
    expect((await ownerUpload(s.owner.actor, KiB)).status).toBe(413);

    await callerFor(s.owner.actor).share.revokeLink({ linkId: s.link.id });
    expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: drop.id! } })).toMatchObject({ status: "ABORTED", reservedBytes: 0n });
    await expect(access(path.join(t.dataDir, "uploads", drop.id!))).rejects.toThrow();
    expect((await callerFor(s.owner.actor).upload.unfinished()).map((u) => u.id)).not.toContain(drop.id);
    expect((await ownerUpload(s.owner.actor, KiB)).status).toBe(201);

    const d = await setup({ quota: MiB, maxUploadBytes: MiB });
    const other = await announce(d.token, MiB - 24);
    expect(other.res.status).toBe(201);
    await callerFor(d.owner.actor).share.deleteLink({ linkId: d.link.id });
    expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: other.id! } })).toMatchObject({ status: "ABORTED", reservedBytes: 0n });
    expect((await ownerUpload(d.owner.actor, KiB)).status).toBe(201);
  });

  it("expire 15 minutes after their last byte, not after a day", async () => {
    const s = await setup({ quota: MiB });
    const before = Date.now();
    const drop = await announce(s.token, MiB - 24);
    const row = await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: drop.id! } });
    expect(row.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 15 * 60_000 - 1000);
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60_000);

    // Bytes push the expiry back by 15 minutes again, no more.
    await t.prisma.uploadSession.update({ where: { id: drop.id! }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    const sent = await fetch(drop.url!, {
      method: "PATCH",
      headers: { ...TUS, "X-Yunpan-Share": s.token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: new Uint8Array(randomBytes(100)),
    });
    expect(sent.status).toBe(204);
    await expect
      .poll(async () => (await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: drop.id! } })).expiresAt.getTime(), { timeout: 5000 })
      .toBeGreaterThan(Date.now() + 10 * 60_000);
    expect((await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: drop.id! } })).expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60_000);

    // The owner's own unfinished uploads keep the long expiry.
    expect((await ownerUpload(s.owner.actor, KiB)).status).toBe(413);
    await expireStaleUploads(async () => {}, new Date(Date.now() + 16 * 60_000));
    expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: drop.id! } })).toMatchObject({ status: "ABORTED", reservedBytes: 0n });
    expect((await ownerUpload(s.owner.actor, KiB)).status).toBe(201);
  });

  it("know the visitor by the address the server saw, not one the client names", async () => {
    const s = await setup();
    const spoof = { "X-Yunpan-Client-Ip": "203.0.113.9" };
    const drop = await announce(s.token, 3, spoof);
    const done = await fetch(drop.url!, {
      method: "PATCH",
      headers: { ...TUS, ...spoof, "X-Yunpan-Share": s.token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: "abc",
    });
    expect(done.status).toBe(204);
    const log = await callerFor(s.owner.actor).share.accessLog({ linkId: s.link.id });
    expect(log.map((l) => [l.action, l.ip])).toEqual([["upload", "127.0.0.1"]]);
  });

  it("are rate limited per link and per client address", async () => {
    const s = await setup();
    await resetLimit("shareDropIp", "127.0.0.1");
    for (let i = 1; i < limits.shareDropLink.points; i++) await countAttempt("shareDropLink", s.link.id);
    expect((await announce(s.token, 10)).res.status).toBe(201);
    const limited = await announce(s.token, 10);
    expect(limited.res.status).toBe(429);
    expect(((await limited.res.json()) as { code: string }).code).toBe("TOO_MANY_REQUESTS");

    // From one address, across links: another link still refuses it once the address used its share.
    const a = await setup();
    const b = await setup();
    await resetLimit("shareDropIp", "127.0.0.1");
    expect((await announce(a.token, 10)).res.status).toBe(201);
    for (let i = 2; i < limits.shareDropIp.points; i++) await countAttempt("shareDropIp", "127.0.0.1");
    expect((await announce(b.token, 10)).res.status).toBe(201);
    expect((await announce(b.token, 10)).res.status).toBe(429);
    // A client cannot name another address for itself.
    expect((await announce(b.token, 10, { "X-Yunpan-Client-Ip": "203.0.113.9" })).res.status).toBe(429);
  });
});
