// tus uploads with STORAGE=s3, end to end over HTTP (the byte routes on a bare Node server, a real
// database, a real S3 endpoint from scripts/with-s3.mjs): every PATCH streams into multipart
// parts, the finished object becomes the blob as it is, downloads stream back from S3.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import { HeadObjectCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { setBlobStoreForTests } from "@/server/storage/blob-store-factory";
import { S3BlobStore } from "@/server/storage/s3-blob-store";
import { s3EnvFor, testS3Settings } from "@/server/test/s3-env";
import { createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { getTus } from "@/server/upload/tus-server";

const MiB = 1024 * 1024;
const PART = 8 * MiB;
const TUS = { "Tus-Resumable": "1.0.0" };
const SKIP = "TEST_S3_ENDPOINT is unset; run under `node scripts/with-s3.mjs …` for a throwaway Ceph RGW";

const settings = testS3Settings();

// Without an endpoint nothing runs, so no database is opened either.
const t = settings
  ? useTestDatabase({ env: s3EnvFor(settings, { S3_PART_SIZE: "8MiB", S3_UPLOAD_CONCURRENCY: "4" }) })
  : null!;

let http: HttpHarness;
let s3: S3BlobStore;
let auth: Record<string, string>;
// tus's own S3 store stages parts in os.tmpdir(); this file gets its own, to show that ours does not.
let staging: string;
const savedTmpdir = process.env.TMPDIR;

beforeAll(async () => {
  if (!settings) return void console.warn(`skipped: tus uploads into S3: ${SKIP}`);
  staging = await mkdtemp(path.join(os.tmpdir(), "yp-tus-staging-"));
  process.env.TMPDIR = staging;
  s3 = new S3BlobStore(settings);
  setBlobStoreForTests(s3);
  http = await startHttpHarness();
  const { actor } = await createTestUser();
  ({ headers: auth } = await createTestToken(actor));
});
afterAll(async () => {
  await http?.close();
  s3?.client.destroy();
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  if (staging) await rm(staging, { recursive: true, force: true });
});
beforeEach((ctx) => {
  if (!settings) ctx.skip(SKIP);
});

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

async function createUpload(size: number, meta: Record<string, string>) {
  const res = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: {
      ...TUS,
      ...auth,
      "Upload-Length": String(size),
      "Upload-Metadata": Object.entries(meta)
        .map(([k, v]) => `${k} ${b64(v)}`)
        .join(","),
    },
  });
  expect(res.status).toBe(201);
  const url = new URL(res.headers.get("location")!, http.baseUrl).toString();
  return { url, id: url.split("/").pop()! };
}

function patch(url: string, offset: number, body: Uint8Array) {
  return fetch(url, {
    method: "PATCH",
    headers: { ...TUS, ...auth, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
    body: body as Uint8Array<ArrayBuffer>,
  });
}

const head = (url: string) => fetch(url, { method: "HEAD", headers: { ...TUS, ...auth } });

/** PATCHes bytes [from, to) in `chunk`-sized requests; returns the last response. */
async function send(url: string, bytes: Buffer, from: number, to: number, chunk = PART) {
  let last: Response | null = null;
  for (let offset = from; offset < to; offset += chunk) {
    const end = Math.min(offset + chunk, to);
    last = await patch(url, offset, bytes.subarray(offset, end));
    if (last.status !== 204) return last;
    expect(last.headers.get("upload-offset")).toBe(String(end));
  }
  return last!;
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3.client.send(new HeadObjectCommand({ Bucket: settings!.bucket, Key: key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

async function stagedBytes(): Promise<number> {
  let total = 0;
  for (const f of await readdir(staging)) total += (await stat(path.join(staging, f)).catch(() => ({ size: 0 }))).size;
  return total;
}

/** What stays staged once tus's unawaited clean-up of its part files has run (up to 2 s). */
async function stagedAfterwards(): Promise<number> {
  for (let i = 0; i < 40; i++) {
    const bytes = await stagedBytes();
    if (bytes === 0) return 0;
    await new Promise((r) => setTimeout(r, 50));
  }
  return stagedBytes();
}

/** Samples the staging dir while `fn` runs; returns the most it held at once. */
async function peakStagedDuring(fn: () => Promise<void>): Promise<number> {
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, await stagedBytes());
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  try {
    await fn();
  } finally {
    running = false;
    await sampler;
  }
  return peak;
}

const content = (nodeId: string, headers: Record<string, string> = {}, redirect: RequestRedirect = "follow") =>
  fetch(`${http.baseUrl}/api/files/${nodeId}/content`, { headers: { ...auth, ...headers }, redirect });

/** The live file whose current blob is the object `storageKey`. */
async function blobNode(storageKey: string) {
  const node = await t.prisma.node.findFirst({ where: { currentVersion: { blob: { storageKey } } } });
  return node?.id ?? null;
}

async function blobOf(nodeId: string) {
  const node = await t.prisma.node.findUniqueOrThrow({ where: { id: nodeId }, include: { currentVersion: { include: { blob: true } } } });
  return node.currentVersion!.blob;
}

describe("tus uploads into S3", () => {
  const bytes = randomBytes(20 * MiB);
  let firstId: string;

  it("streams a 20 MiB file in 8 MiB PATCHes into parts, commits the object as the blob, and serves it back", async () => {
    const digest = vi.spyOn(getTus().store, "digest");
    const { url, id } = await createUpload(bytes.length, { filename: "twenty.bin", sha256: sha256(bytes) });
    firstId = id;
    let last: Response | null = null;
    const peak = await peakStagedDuring(async () => {
      for (let offset = 0; offset < bytes.length; offset += PART) {
        last = await send(url, bytes, offset, Math.min(offset + PART, bytes.length));
        expect(last.status).toBe(204);
        // Between PATCHes nothing stays staged on local disk.
        expect(await stagedAfterwards()).toBe(0);
      }
    });
    // Parts go from memory to S3: no byte passes through the local disk (tus's own store staged
    // each part in TMPDIR).
    expect(peak).toBe(0);
    const nodeId = last!.headers.get("upload-node-id")!;
    expect(nodeId).toMatch(/^[0-9a-f-]{36}$/);

    // The streaming hash was intact: no second read.
    expect(digest).toHaveBeenCalledOnce();
    await expect(digest.mock.results[0]!.value).resolves.toEqual({ sha256: sha256(bytes), streamed: true });
    digest.mockRestore();

    const blob = await blobOf(nodeId);
    expect(blob).toMatchObject({ backend: "s3", sha256: sha256(bytes), size: BigInt(bytes.length), storageKey: id, refCount: 1 });
    expect(await objectExists(id)).toBe(true);
    expect(await objectExists(`${id}.info`)).toBe(false);
    expect(await objectExists(`${id}.part`)).toBe(false);
    const open = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: settings!.bucket, Prefix: id }));
    expect(open.Uploads ?? []).toEqual([]);

    const whole = await content(nodeId);
    expect(whole.status).toBe(200);
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(bytes));
    const n = bytes.length;
    const ranges: [string, number, number][] = [
      ["bytes=0-0", 0, 0],
      [`bytes=${n - 1}-${n - 1}`, n - 1, n - 1],
      [`bytes=${PART - 10}-${PART + 9}`, PART - 10, PART + 9],
      ["bytes=-1000", n - 1000, n - 1],
      [`bytes=${2 * PART - 3}-`, 2 * PART - 3, n - 1],
    ];
    for (const [range, start, end] of ranges) {
      const res = await content(nodeId, { Range: range });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${n}`);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }

    // A client that lost the last response asks again: complete, so it does not upload again.
    const again = await head(url);
    expect(again.status).toBe(200);
    expect(again.headers.get("upload-offset")).toBe(String(n));
    expect(await t.prisma.node.count({ where: { name: { startsWith: "twenty" } } })).toBe(1);
  });

  it("with S3_PRESIGNED_DOWNLOADS, downloads redirect to a URL that is the same all window long and serves the exact bytes and name", async () => {
    const nodeId = (await blobNode(firstId))!;
    await withTestEnv({ S3_PRESIGNED_DOWNLOADS: "true" }, async () => {
      const res = await content(nodeId, {}, "manual");
      expect(res.status).toBe(302);
      const location = res.headers.get("location")!;
      // Signed as of the window's start, valid to the end of the next one (SIGNED_URL_TTL 15 min).
      expect(location).toContain("X-Amz-Expires=1800");
      expect(new URL(location).searchParams.get("X-Amz-Date")).toMatch(/^\d{8}T\d{2}(00|15|30|45)00Z$/);
      // The same URL again, unless the clock just crossed into the next window: then the same one
      // for that window.
      const amzDate = (u: string) => new URL(u).searchParams.get("X-Amz-Date");
      const again = (await content(nodeId, {}, "manual")).headers.get("location")!;
      if (amzDate(again) === amzDate(location)) expect(again).toBe(location);
      else expect((await content(nodeId, {}, "manual")).headers.get("location")).toBe(again);
      const direct = await fetch(location);
      expect(direct.status).toBe(200);
      expect(direct.headers.get("content-disposition")).toContain("filename*=UTF-8''twenty.bin");
      expect(sha256(Buffer.from(await direct.arrayBuffer()))).toBe(sha256(bytes));
      // Still authorised first: another user gets 404, not a URL.
      const stranger = await createTestToken((await createTestUser()).actor);
      const denied = await fetch(`${http.baseUrl}/api/files/${nodeId}/content`, { headers: stranger.headers, redirect: "manual" });
      expect(denied.status).toBe(404);
      expect(denied.headers.get("location")).toBeNull();
    });
  });

  it("a signed blob URL of an S3 blob carries its object key and serves ranges from S3 with no session", async () => {
    const nodeId = (await blobNode(firstId))!;
    const issued = await fetch(`${http.baseUrl}/api/files/${nodeId}/content?redirect=1`, { headers: auth, redirect: "manual" });
    expect(issued.status).toBe(302);
    const url = issued.headers.get("location")!;
    expect(new URL(url, http.baseUrl).searchParams.get("k")).toBe(firstId);
    const part = await fetch(http.baseUrl + url, { headers: { Range: `bytes=${PART - 10}-${PART + 9}` } });
    expect(part.status).toBe(206);
    expect(part.headers.get("cache-control")).toMatch(/^public, max-age=\d+, immutable$/);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(PART - 10, PART + 10))).toBe(true);
  });

  it("stores identical bytes once: refCount 2, the duplicate object deleted, HEAD still complete", async () => {
    const { url, id } = await createUpload(bytes.length, { filename: "twenty-again.bin" });
    const res = await send(url, bytes, 0, bytes.length);
    expect(res.status).toBe(204);
    const nodeId = res.headers.get("upload-node-id")!;

    expect(await t.prisma.blob.count({ where: { sha256: sha256(bytes) } })).toBe(1);
    const blob = await blobOf(nodeId);
    expect(blob).toMatchObject({ storageKey: firstId, refCount: 2 });
    expect(await objectExists(id)).toBe(false);
    expect(await objectExists(`${id}.info`)).toBe(false);
    expect(await objectExists(firstId)).toBe(true);

    const again = await head(url);
    expect(again.status).toBe(200);
    expect(again.headers.get("upload-offset")).toBe(String(bytes.length));
    const download = await content(nodeId);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(bytes));
  });

  it("rejects bytes that do not match the client's sha256: 400, nothing committed, the object deleted", async () => {
    const other = randomBytes(6 * MiB);
    const { url, id } = await createUpload(other.length, { filename: "mismatch.bin", sha256: sha256(randomBytes(16)) });
    const res = await send(url, other, 0, other.length);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST" });

    expect(await t.prisma.node.count({ where: { name: "mismatch.bin" } })).toBe(0);
    expect(await t.prisma.blob.count({ where: { sha256: sha256(other) } })).toBe(0);
    expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "FAILED", reservedBytes: 0n });
    expect(await objectExists(id)).toBe(false);
    expect(await objectExists(`${id}.info`)).toBe(false);
    expect((await head(url)).status).toBe(404);
  });

  it("keeps every part but the last at the part size, whatever the PATCH sizes", async () => {
    // 6 MiB PATCHes: tus alone would make each one a 6 MiB part (it only holds back tails under
    // 5 MiB), so parts would stop scaling with the upload's length.
    const file = randomBytes(20 * MiB);
    const digest = vi.spyOn(getTus().store, "digest");
    const { url, id } = await createUpload(file.length, { filename: "odd-patches.bin", sha256: sha256(file) });
    const res = await send(url, file, 0, file.length, 6 * MiB);
    expect(res.status).toBe(204);
    await expect(digest.mock.results[0]!.value).resolves.toEqual({ sha256: sha256(file), streamed: true });
    digest.mockRestore();
    const object = await s3.client.send(new HeadObjectCommand({ Bucket: settings!.bucket, Key: id }));
    // A multipart object's ETag ends in its part count: 8 + 8 + 4 MiB.
    expect(object.ETag).toMatch(/-3"$/);
    expect(object.ContentLength).toBe(file.length);
    expect(await objectExists(`${id}.part`)).toBe(false);
    const download = await content(res.headers.get("upload-node-id")!);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(file));
  });

  it("the process that created an upload and sent its parts asks S3 for none of them: no ListParts, no `.info` or `.part` read", async () => {
    const file = randomBytes(24 * MiB);
    // The store's own client (protected in @tus/s3-store): every command it sends goes through send.
    const client = (getTus().store as unknown as { client: { send: (command: { constructor: { name: string }; input: { Key?: string } }) => Promise<unknown> } }).client;
    const sent = vi.spyOn(client, "send");
    const { url, id } = await createUpload(file.length, { filename: "round-trips.bin", sha256: sha256(file) });
    const res = await send(url, file, 0, file.length);
    expect(res.status).toBe(204);
    const names = sent.mock.calls.map(([command]) => `${command.constructor.name} ${command.input.Key ?? ""}`);
    sent.mockRestore();
    // One process, no Redis: tus locks in memory, so only this store writes the upload. Its own
    // record answers the POST's and each PATCH's getUpload and the completion's list of parts
    // (tus alone lists twice per PATCH, GETs the `.info` and HEADs or GETs the absent tail).
    expect(names.filter((n) => n.startsWith("ListPartsCommand"))).toEqual([]);
    expect(names.filter((n) => /^(Get|Head)ObjectCommand .*\.(part|info)$/.test(n))).toEqual([]);
    expect(names.filter((n) => n.startsWith("UploadPartCommand"))).toHaveLength(3);
    expect(names.filter((n) => n.startsWith("CompleteMultipartUploadCommand"))).toEqual([`CompleteMultipartUploadCommand ${id}`]);
    // A multipart object's ETag ends in its part count: the completion named all three.
    const object = await s3.client.send(new HeadObjectCommand({ Bucket: settings!.bucket, Key: id }));
    expect(object.ETag).toMatch(/-3"$/);
    const download = await content(res.headers.get("upload-node-id")!);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(file));
  });

  it("a PATCH cut off mid-part keeps what reached the server; the upload resumes from HEAD to the right sha256", async () => {
    const file = randomBytes(20 * MiB);
    const { url, id } = await createUpload(file.length, { filename: "cut-off.bin", sha256: sha256(file) });
    // 12 MiB of a 20 MiB PATCH, then the connection drops: one whole part and half of the next.
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, {
        method: "PATCH",
        headers: { ...TUS, ...auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", "Content-Length": String(file.length) },
      });
      req.on("error", () => resolve());
      req.write(file.subarray(0, 12 * MiB), () => setTimeout(() => req.destroy(), 200));
    });
    // The server finishes with the cut request in its own time (tus holds the upload's lock until then).
    let offset = -1;
    for (let i = 0; i < 200 && offset < 0; i++) {
      const res = await head(url);
      if (res.status === 200) offset = Number(res.headers.get("upload-offset"));
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThanOrEqual(12 * MiB);
    const res = await send(url, file, offset, file.length);
    expect(res.status).toBe(204);
    const object = await s3.client.send(new HeadObjectCommand({ Bucket: settings!.bucket, Key: id }));
    expect(object.ContentLength).toBe(file.length);
    const download = await content(res.headers.get("upload-node-id")!);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(file));
  });

  it("lets expiry remove an unfinished upload's parts, .part and .info, but never an adopted blob", async () => {
    const file = randomBytes(20 * MiB);
    const { url, id } = await createUpload(file.length, { filename: "abandoned.bin" });
    // 6 MiB: under the part size, so it waits in `<id>.part`.
    expect((await send(url, file, 0, 6 * MiB)).status).toBe(204);
    expect(await objectExists(`${id}.part`)).toBe(true);
    const store = getTus().store;
    await store.remove(id);
    expect(await objectExists(`${id}.info`)).toBe(false);
    expect(await objectExists(`${id}.part`)).toBe(false);
    const open = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: settings!.bucket, Prefix: id }));
    expect(open.Uploads ?? []).toEqual([]);

    // What the expiry job does to finished uploads: their object is a blob now, so it stays.
    await expect(store.remove(firstId)).rejects.toMatchObject({ status_code: 404 });
    expect(await objectExists(firstId)).toBe(true);
  });

  it("resumes after a restart (hash state lost) and verifies the sha256 with one read of the object", async () => {
    const file = randomBytes(20 * MiB + 4321);
    const { url, id } = await createUpload(file.length, { filename: "restarted.bin", sha256: sha256(file) });
    expect((await send(url, file, 0, PART)).status).toBe(204);

    // A new process: a new tus server and store, with no hash state and no metadata cache.
    const before = getTus().store;
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("yunpan.tus")];
    const store = getTus().store;
    expect(store).not.toBe(before);
    const digest = vi.spyOn(store, "digest");

    const resume = await head(url);
    expect(resume.status).toBe(200);
    expect(resume.headers.get("upload-offset")).toBe(String(PART));
    const res = await send(url, file, PART, file.length);
    expect(res.status).toBe(204);
    const nodeId = res.headers.get("upload-node-id")!;

    await expect(digest.mock.results[0]!.value).resolves.toEqual({ sha256: sha256(file), streamed: false });
    expect(await blobOf(nodeId)).toMatchObject({ sha256: sha256(file), storageKey: id, size: BigInt(file.length) });
    const download = await content(nodeId);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(file));
    expect(await stagedAfterwards()).toBe(0);
  });
});
