import { createHash, randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

// Uploads created with Upload-Defer-Length: 1, through the real tus endpoint. Every user here has
// a 64 KiB quota; the server takes files up to 256 KiB.
const t = useTestDatabase({ env: { MAX_UPLOAD_BYTES: "256KiB", DEFAULT_QUOTA_BYTES: "64KiB" } });
const KiB = 1024;
const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s).toString("base64");
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

async function newUser() {
  const user = await createTestUser();
  const { headers } = await createTestToken(user.actor);
  return { ...user, auth: headers };
}

async function createDeferred(auth: Record<string, string>, name = "stream.bin") {
  const res = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { ...TUS, ...auth, "Upload-Defer-Length": "1", "Upload-Metadata": `filename ${b64(name)}` },
  });
  expect(res.status).toBe(201);
  const p = new URL(res.headers.get("location")!, http.baseUrl).pathname;
  return { url: `${http.baseUrl}${p}`, id: p.split("/").pop()! };
}

const patch = (url: string, auth: Record<string, string>, offset: number, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "PATCH",
    headers: { ...TUS, ...auth, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream", ...headers },
    body: new Uint8Array(body),
  });

/** A PATCH whose body has no Content-Length (chunked), as a client streaming from a pipe sends it. */
const patchChunked = (url: string, auth: Record<string, string>, offset: number, body: Buffer) =>
  fetch(url, {
    method: "PATCH",
    headers: { ...TUS, ...auth, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
    body: new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < body.length; i += 8 * KiB) c.enqueue(new Uint8Array(body.subarray(i, i + 8 * KiB)));
        c.close();
      },
    }),
    duplex: "half",
  } as RequestInit);

async function head(url: string, auth: Record<string, string>) {
  const res = await fetch(url, { method: "HEAD", headers: { ...TUS, ...auth } });
  return { offset: Number(res.headers.get("upload-offset")), length: res.headers.get("upload-length"), deferred: res.headers.get("upload-defer-length") };
}

const onDisk = async (id: string) => (await stat(path.join(t.dataDir, "uploads", id))).size;
const session = (id: string) => t.prisma.uploadSession.findUniqueOrThrow({ where: { id } });

describe("deferred-length uploads and the quota", () => {
  it("counts bytes against the quota as they arrive: the PATCH that would pass it is refused and nothing is written", async () => {
    const u = await newUser();
    const up = await createDeferred(u.auth);
    expect((await patch(up.url, u.auth, 0, randomBytes(40 * KiB))).status).toBe(204);
    expect(await session(up.id)).toMatchObject({ size: null, reservedBytes: BigInt(40 * KiB) });

    // 40 + 40 KiB would pass the 64 KiB quota: refused before a byte is written, in both languages.
    const over = await patch(up.url, u.auth, 40 * KiB, randomBytes(40 * KiB));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { message: string }).message).toBe("Not enough space: this file needs 80.0 KiB, and 64.0 KiB of your quota is left.");
    const zh = await patch(up.url, { ...u.auth, "Accept-Language": "zh-CN" }, 40 * KiB, randomBytes(40 * KiB));
    expect(zh.status).toBe(413);
    expect(((await zh.json()) as { message: string }).message).toBe("空间不足：此文件需要 80.0 KiB，您的配额仅剩 64.0 KiB。");
    expect((await head(up.url, u.auth)).offset).toBe(40 * KiB);
    expect(await onDisk(up.id)).toBe(40 * KiB);

    // The bytes already written hold their place: another upload cannot take them.
    const other = await fetch(`${http.baseUrl}/api/upload`, {
      method: "POST",
      headers: { ...TUS, ...u.auth, "Upload-Length": String(30 * KiB), "Upload-Metadata": `filename ${b64("other.bin")}` },
    });
    expect(other.status).toBe(413);

    // What fits still goes in, and the upload finishes once its length is declared.
    const rest = randomBytes(10 * KiB);
    expect((await patch(up.url, u.auth, 40 * KiB, rest, { "Upload-Length": String(50 * KiB) })).status).toBe(204);
    expect(await session(up.id)).toMatchObject({ status: "COMPLETED", reservedBytes: 0n });
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: u.user.id } })).usedBytes).toBe(BigInt(50 * KiB));
  });

  it("stops a body of unknown length (chunked) at the quota and keeps nothing beyond it", async () => {
    const u = await newUser();
    const up = await createDeferred(u.auth);
    expect((await patch(up.url, u.auth, 0, randomBytes(40 * KiB))).status).toBe(204);
    const over = await patchChunked(up.url, u.auth, 40 * KiB, randomBytes(200 * KiB));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { message: string }).message).toMatch(/^Not enough space/);
    const { offset } = await head(up.url, u.auth);
    expect(offset).toBeLessThanOrEqual(64 * KiB);
    expect(await onDisk(up.id)).toBeLessThanOrEqual(64 * KiB);
    // The reservation follows what was kept, not what was allowed, and is settled before the 413
    // is sent (run 9 once read the allowance here: the 413 had overtaken the settle).
    expect((await session(up.id)).reservedBytes).toBe(BigInt(offset));

    // A chunked body that fits is taken whole, and holds just its bytes.
    const v = await newUser();
    const fits = await createDeferred(v.auth);
    expect((await patchChunked(fits.url, v.auth, 0, randomBytes(20 * KiB))).status).toBe(204);
    expect(await head(fits.url, v.auth)).toMatchObject({ offset: 20 * KiB });
    expect((await session(fits.id)).reservedBytes).toBe(BigInt(20 * KiB));
  });

  it("applies MAX_UPLOAD_BYTES to a deferred upload of a user without a quota", async () => {
    const u = await newUser();
    await t.prisma.user.update({ where: { id: u.user.id }, data: { quotaBytes: BigInt(1024 * 1024 * 1024) } });
    const up = await createDeferred(u.auth);
    expect((await patch(up.url, u.auth, 0, randomBytes(200 * KiB))).status).toBe(204);
    expect((await patch(up.url, u.auth, 200 * KiB, randomBytes(100 * KiB))).status).toBe(413);
    const chunked = await patchChunked(up.url, u.auth, 200 * KiB, randomBytes(100 * KiB));
    expect(chunked.status).toBe(413);
    expect(await onDisk(up.id)).toBeLessThanOrEqual(256 * KiB);
  });
});

describe("a refused PATCH changes nothing", () => {
  it("a length shorter than the offset is refused without being recorded; the right one then finishes the upload", async () => {
    const u = await newUser();
    const up = await createDeferred(u.auth);
    const first = randomBytes(10);
    expect((await patch(up.url, u.auth, 0, first)).status).toBe(204);

    expect((await patch(up.url, u.auth, 10, Buffer.alloc(0), { "Upload-Length": "5" })).status).toBe(400);
    expect(await session(up.id)).toMatchObject({ size: null, status: "ACTIVE" });
    expect((await head(up.url, u.auth)).deferred).toBe("1");

    const second = randomBytes(10);
    const done = await patch(up.url, u.auth, 10, second, { "Upload-Length": "20" });
    expect(done.status).toBe(204);
    const node = await t.prisma.node.findUniqueOrThrow({ where: { id: done.headers.get("upload-node-id")! }, include: { currentVersion: { include: { blob: true } } } });
    expect(node.currentVersion!.blob.sha256).toBe(createHash("sha256").update(Buffer.concat([first, second])).digest("hex"));
  });

  it("a length the body overruns, or one past the quota, is refused without being recorded", async () => {
    const u = await newUser();
    const up = await createDeferred(u.auth);
    expect((await patch(up.url, u.auth, 0, randomBytes(10))).status).toBe(204);

    // 10 + 15 bytes cannot fit a declared length of 20.
    expect((await patch(up.url, u.auth, 10, randomBytes(15), { "Upload-Length": "20" })).status).toBe(413);
    // Past the 64 KiB quota.
    const quota = await patch(up.url, u.auth, 10, randomBytes(5), { "Upload-Length": String(100 * KiB) });
    expect(quota.status).toBe(413);
    expect(((await quota.json()) as { message: string }).message).toMatch(/^Not enough space/);
    expect(await session(up.id)).toMatchObject({ size: null, status: "ACTIVE", reservedBytes: 10n });
    expect(await head(up.url, u.auth)).toMatchObject({ offset: 10, length: null, deferred: "1" });

    expect((await patch(up.url, u.auth, 10, randomBytes(15), { "Upload-Length": "25" })).status).toBe(204);
    expect(await session(up.id)).toMatchObject({ status: "COMPLETED", size: 25n });
  });
});
