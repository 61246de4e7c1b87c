// Direct upload to S3 with a Node client doing what the browser does: start through the API, MD5
// per part, presigned UploadPart PUTs straight to the bucket (a real Ceph RGW from
// scripts/with-s3.mjs), resume from the parts S3 lists, complete through the API.
import { createHash, randomBytes } from "node:crypto";
import { DeleteBucketCorsCommand, GetBucketCorsCommand, ListMultipartUploadsCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { runAdminCommand } from "@/server/admin/admin-commands";
import { getEnv } from "@/server/env";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { setBlobStoreForTests } from "@/server/storage/blob-store-factory";
import { S3BlobStore } from "@/server/storage/s3-blob-store";
import { s3EnvFor, testS3Settings } from "@/server/test/s3-env";
import { callerFor, createTestUser } from "@/server/test/factories";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { directUploadS3, resetDirectUploadClientForTests, removeUploadData } from "@/server/upload/direct-upload.service";
import { expireStaleUploads } from "@/server/upload/upload-expiry.service";
import { drainQueue } from "@/server/jobs/queue";
import { BLOB_VERIFY_JOB } from "@/server/upload/blob-verify-queue";
import { verifyBlob } from "@/server/upload/blob-verification.service";
import { getThumbnail, makeThumbnail } from "@/server/thumbnails/thumbnail.service";
import sharp from "sharp";
import type { Actor } from "@/server/auth/actor";
import { DirectUnreachableError, PARALLEL_PARTS, runDirectUpload, type PutPart } from "@/components/upload/direct-upload-client";
import { digestFile } from "@/components/upload/file-digests";

const MiB = 1024 * 1024;
const SKIP = "TEST_S3_ENDPOINT is unset; run under `node scripts/with-s3.mjs …` for a throwaway Ceph RGW";

const settings = testS3Settings();
// Without an endpoint nothing runs, so no database is opened either.
const t = settings ? useTestDatabase({ env: s3EnvFor(settings, { S3_PART_SIZE: "5MiB" }) }) : null!;

let s3: S3BlobStore;
beforeAll(() => {
  if (!settings) return void console.warn(`skipped: direct upload to S3: ${SKIP}`);
  s3 = new S3BlobStore(settings);
  setBlobStoreForTests(s3);
});
afterAll(() => {
  s3?.client.destroy();
  resetDirectUploadClientForTests();
});
beforeEach((ctx) => {
  if (!settings) ctx.skip(SKIP);
});

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("base64");

type Plan = { uploadId: string; size: number; partSize: number; partCount: number };
const partOf = (bytes: Buffer, plan: Plan, n: number) => bytes.subarray((n - 1) * plan.partSize, Math.min(n * plan.partSize, plan.size));

async function start(actor: Actor, bytes: Buffer, extra: { filename?: string; sha256?: string; parentId?: string } = {}) {
  return callerFor(actor).upload.directStart({ filename: extra.filename ?? "big.bin", size: bytes.length, sha256: extra.sha256 ?? sha256(bytes), parentId: extra.parentId });
}

/** Signs and PUTs the given parts, a few at a time as the browser does; returns each PUT's status. */
async function sendParts(actor: Actor, plan: Plan, bytes: Buffer, numbers: number[], body = (n: number) => partOf(bytes, plan, n)) {
  const { urls } = await callerFor(actor).upload.directPartUrls({
    uploadId: plan.uploadId,
    parts: numbers.map((n) => ({ partNumber: n, md5: md5(partOf(bytes, plan, n)) })),
  });
  return Promise.all(
    urls.map(async ({ partNumber, url }) => {
      expect(new URL(url).origin).toBe(new URL(settings!.endpoint).origin);
      const res = await fetch(url, { method: "PUT", body: body(partNumber) as Uint8Array<ArrayBuffer>, headers: { "Content-MD5": md5(partOf(bytes, plan, partNumber)) } });
      return { partNumber, status: res.status, text: await res.text() };
    }),
  );
}

/** The Chinese message of the AppError a call rejects with (the HTTP layer picks the language). */
async function zhMessage(call: Promise<unknown>): Promise<string> {
  const err = (await call.then(() => null, (e: unknown) => e)) as { cause?: { localized?: (l: "zh") => string } } | null;
  return err?.cause?.localized?.("zh") ?? "did not fail with an AppError";
}

const allParts = (plan: Plan) => Array.from({ length: plan.partCount }, (_, i) => i + 1);

async function openUploads(key: string) {
  const out = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: settings!.bucket, Prefix: key }));
  return out.Uploads ?? [];
}

async function objectExists(key: string) {
  return s3.client.send(new HeadObjectCommand({ Bucket: settings!.bucket, Key: key })).then(
    () => true,
    (e: { $metadata?: { httpStatusCode?: number } }) => (e.$metadata?.httpStatusCode === 404 ? false : Promise.reject(e)),
  );
}

async function storedSha(nodeId: string) {
  const node = await t.prisma.node.findUniqueOrThrow({ where: { id: nodeId }, include: { currentVersion: { include: { blob: true } } } });
  const hash = createHash("sha256");
  for await (const chunk of await s3.read(node.currentVersion!.blob.storageKey)) hash.update(chunk as Buffer);
  return { sha: hash.digest("hex"), blob: node.currentVersion!.blob };
}

describe("direct upload to S3", () => {
  it("sends every part straight to the bucket, completes from S3's part list, records the file at once, and a queued job verifies its sha256", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(12 * MiB + 123);
    const plan = await start(actor, bytes);
    expect(plan).toMatchObject({ size: bytes.length, partSize: 5 * MiB, partCount: 3 });
    // Quota is held from the start, before any byte.
    expect((await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: plan.uploadId } })).reservedBytes).toBe(BigInt(bytes.length));

    const sent = await sendParts(actor, plan, bytes, allParts(plan));
    expect(sent.map((s) => s.status)).toEqual([200, 200, 200]);
    const node = await callerFor(actor).upload.directComplete({ uploadId: plan.uploadId });
    expect(node).toMatchObject({ name: "big.bin", size: bytes.length, kind: "FILE" });

    // Recorded on the uploader's word: PENDING, under a placeholder hash no lookup by content can reach.
    const pending = (await storedSha(node.id)).blob;
    expect(pending).toMatchObject({ integrity: "PENDING", claimedSha256: sha256(bytes), storageKey: plan.uploadId, backend: "s3" });
    expect(pending.sha256).not.toBe(sha256(bytes));
    // The verification is a persisted job, queued with the file: a restart before it runs keeps it.
    const jobs = await t.prisma.queuedJob.findMany({ where: { kind: BLOB_VERIFY_JOB }, select: { payload: true, status: true } });
    expect(jobs.filter((j) => (j.payload as { blobId: string }).blobId === pending.id)).toEqual([{ payload: { blobId: pending.id }, status: "QUEUED" }]);
    await drainQueue();
    const { sha, blob } = await storedSha(node.id);
    expect(sha).toBe(sha256(bytes));
    expect(blob).toMatchObject({ id: pending.id, sha256: sha256(bytes), integrity: "VERIFIED", claimedSha256: null, storageKey: plan.uploadId, backend: "s3" });
    expect(await openUploads(plan.uploadId)).toEqual([]);
    const session = await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: plan.uploadId } });
    expect(session).toMatchObject({ status: "COMPLETED", reservedBytes: 0n, nodeId: node.id });
    expect((await callerFor(actor).auth.me()).usedBytes).toBe(bytes.length);
  });

  it("resumes from the parts S3 lists: the session is listed as unfinished, completion waits for the missing part", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(11 * MiB);
    const plan = await start(actor, bytes);
    await sendParts(actor, plan, bytes, [1, 3]);

    // A reloaded page (or another device) finds the session and what S3 already holds.
    const unfinished = await callerFor(actor).upload.unfinished();
    expect(unfinished).toEqual([expect.objectContaining({ id: plan.uploadId, direct: true, size: bytes.length })]);
    const held = await callerFor(actor).upload.directParts({ uploadId: plan.uploadId });
    expect(held.parts).toEqual([
      { partNumber: 1, size: 5 * MiB },
      { partNumber: 3, size: 1 * MiB },
    ]);
    expect(held).toMatchObject({ partSize: plan.partSize, partCount: 3 });
    expect((await callerFor(actor).upload.unfinished())[0]!.offset).toBe(6 * MiB);

    await expect(callerFor(actor).upload.directComplete({ uploadId: plan.uploadId })).rejects.toThrow(/Some parts of the file have not arrived yet \(2\)/);
    expect(await zhMessage(callerFor(actor).upload.directComplete({ uploadId: plan.uploadId }))).toMatch(/部分分片尚未上传（2）/);

    await sendParts(actor, plan, bytes, [2]);
    const node = await callerFor(actor).upload.directComplete({ uploadId: plan.uploadId });
    expect((await storedSha(node.id)).sha).toBe(sha256(bytes));
  });

  it("a part whose bytes differ from its MD5 is refused by S3 itself, and the re-sent part is accepted", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(6 * MiB);
    const plan = await start(actor, bytes);
    const corrupt = (n: number) => {
      const b = Buffer.from(partOf(bytes, plan, n));
      b[1000] = b[1000]! ^ 0xff;
      return b;
    };
    const [refused] = await sendParts(actor, plan, bytes, [1], corrupt);
    expect(refused!.status).toBe(400);
    expect(refused!.text).toContain("BadDigest");
    expect((await callerFor(actor).upload.directParts({ uploadId: plan.uploadId })).parts).toEqual([]);

    expect((await sendParts(actor, plan, bytes, [1, 2])).map((s) => s.status)).toEqual([200, 200]);
    const node = await callerFor(actor).upload.directComplete({ uploadId: plan.uploadId });
    expect((await storedSha(node.id)).sha).toBe(sha256(bytes));
  });

  it("a part URL is bound to its part's length and digest: other bytes with their own MD5 are refused", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(6 * MiB);
    const plan = await start(actor, bytes);
    const { urls } = await callerFor(actor).upload.directPartUrls({ uploadId: plan.uploadId, parts: [{ partNumber: 1, md5: md5(partOf(bytes, plan, 1)) }] });
    const other = randomBytes(5 * MiB);
    const res = await fetch(urls[0]!.url, { method: "PUT", body: other, headers: { "Content-MD5": md5(other) } });
    expect(res.status).toBe(403);
    await expect(
      callerFor(actor).upload.directPartUrls({ uploadId: plan.uploadId, parts: [{ partNumber: 3, md5: md5(other) }] }),
    ).rejects.toThrow("This upload has no part 3.");
  });

  it("a claimed sha256 that the stored bytes do not match: the file is recorded, then quarantined, its owner notified, an audit event written", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(6 * MiB);
    const claimed = sha256(randomBytes(16));
    const plan = await start(actor, bytes, { sha256: claimed });
    await sendParts(actor, plan, bytes, allParts(plan));
    const node = await callerFor(actor).upload.directComplete({ uploadId: plan.uploadId });
    expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: plan.uploadId } })).toMatchObject({ status: "COMPLETED", reservedBytes: 0n });

    await drainQueue();
    const { blob } = await storedSha(node.id);
    expect(blob).toMatchObject({ integrity: "QUARANTINED", claimedSha256: claimed });
    expect(blob.sha256).not.toBe(sha256(bytes));
    const { items, unread } = await callerFor(actor).notify.list({});
    expect(unread).toBe(1);
    expect(items.map((n) => n.data)).toEqual([{ kind: "quarantined", item: "big.bin", nodeId: node.id, folderId: expect.any(String) }]);
    const events = await t.prisma.auditEvent.findMany({ where: { action: "upload.quarantined", targetId: node.id } });
    expect(events).toEqual([
      expect.objectContaining({ actorId: actor.userId, data: { name: "big.bin", blobId: blob.id, claimedSha256: claimed, actualSha256: sha256(bytes) } }),
    ]);
    // Its bytes are kept (the owner may delete the file) but never served, nor shared.
    expect(await objectExists(plan.uploadId)).toBe(true);
    await expect(callerFor(actor).drive.contentUrl({ nodeId: node.id })).rejects.toThrow(/“big.bin” is quarantined: its stored bytes do not match the checksum/);
    expect(await zhMessage(callerFor(actor).drive.contentUrl({ nodeId: node.id }))).toMatch(/“big.bin”已被隔离/);
    await expect(callerFor(actor).share.createLink({ nodeId: node.id, permission: "VIEW" })).rejects.toThrow(/is quarantined/);
    // A second run (a retried job) changes nothing and tells no one twice.
    await verifyBlob(blob.id);
    expect((await callerFor(actor).notify.list({})).items).toHaveLength(1);
  });

  it("quarantine drops a thumbnail made while the blob was pending, no new one is made, and the list marks the file", async () => {
    const { actor } = await createTestUser();
    const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#3366cc" } }).png().toBuffer();
    const claimed = sha256(randomBytes(16));
    const plan = await callerFor(actor).upload.directStart({ filename: "pic.png", size: bytes.length, sha256: claimed, filetype: "image/png" });
    await sendParts(actor, plan, bytes, allParts(plan));
    const node = await callerFor(actor).upload.directComplete({ uploadId: plan.uploadId });
    const { blob } = await storedSha(node.id);
    // The thumbnail job ran before the check: the picture shows while the blob is pending.
    expect(await makeThumbnail({ blobId: blob.id })).toEqual({ status: "ready" });
    expect((await getThumbnail({ actor, nodeId: node.id })).data.length).toBeGreaterThan(0);
    const listed = async () => (await callerFor(actor).drive.list({})).items.find((i) => i.id === node.id);
    expect(await listed()).toMatchObject({ name: "pic.png", quarantined: false });

    await drainQueue();
    expect((await storedSha(node.id)).blob.integrity).toBe("QUARANTINED");
    await expect(getThumbnail({ actor, nodeId: node.id })).rejects.toThrow(/does not exist/);
    expect(await t.prisma.thumbnail.count({ where: { blobId: blob.id } })).toBe(0);
    expect(await makeThumbnail({ blobId: blob.id })).toEqual({ status: "quarantined" });
    expect(await t.prisma.thumbnail.count({ where: { blobId: blob.id } })).toBe(0);
    expect(await listed()).toMatchObject({ name: "pic.png", quarantined: true });
  });

  it("an unverified blob is never shared: instant upload does not offer it, and a claimed hash of someone else's file gets a blob of its own", async () => {
    const alice = await createTestUser();
    const mallory = await createTestUser();
    const bytes = randomBytes(6 * MiB);
    const plan = await start(alice.actor, bytes);
    await sendParts(alice.actor, plan, bytes, allParts(plan));
    const original = await callerFor(alice.actor).upload.directComplete({ uploadId: plan.uploadId });
    const aliceRoot = (await t.prisma.node.findUniqueOrThrow({ where: { rootOwnerId: alice.user.id } })).id;
    const instant = () => callerFor(alice.actor).upload.instantPrepare({ parentId: aliceRoot, filename: "again.bin", size: bytes.length, sha256: sha256(bytes) });
    // Pending: not even the uploader's own content counts as stored yet.
    expect(await instant()).toEqual({ kind: "upload" });

    // Mallory claims Alice's hash for other bytes of the same size, before the job ran.
    const garbage = randomBytes(bytes.length);
    const forged = await start(mallory.actor, garbage, { sha256: sha256(bytes), filename: "forged.bin" });
    await sendParts(mallory.actor, forged, garbage, allParts(forged));
    const stolen = await callerFor(mallory.actor).upload.directComplete({ uploadId: forged.uploadId });
    expect((await storedSha(stolen.id)).blob.id).not.toBe((await storedSha(original.id)).blob.id);

    await drainQueue();
    expect((await storedSha(original.id)).blob).toMatchObject({ integrity: "VERIFIED", sha256: sha256(bytes) });
    expect((await storedSha(stolen.id)).blob).toMatchObject({ integrity: "QUARANTINED", storageKey: forged.uploadId });
    await expect(callerFor(mallory.actor).drive.contentUrl({ nodeId: stolen.id })).rejects.toThrow(/quarantined/);
    // Verified: now the content is Alice's to upload instantly.
    expect(await instant()).toMatchObject({ kind: "challenge" });
  });

  it("two direct uploads of the same bytes end on one verified blob; the spare bytes go to GC", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(6 * MiB);
    const nodes = [];
    for (const filename of ["one.bin", "two.bin"]) {
      const plan = await start(actor, bytes, { filename });
      await sendParts(actor, plan, bytes, allParts(plan));
      nodes.push(await callerFor(actor).upload.directComplete({ uploadId: plan.uploadId }));
    }
    const pendingIds = await Promise.all(nodes.map(async (n) => (await storedSha(n.id)).blob.id));
    expect(new Set(pendingIds).size).toBe(2);
    await drainQueue();
    const [a, b] = await Promise.all(nodes.map((n) => storedSha(n.id)));
    expect(a!.blob.id).toBe(b!.blob.id);
    expect(a!.blob).toMatchObject({ integrity: "VERIFIED", sha256: sha256(bytes), refCount: 2 });
    const spare = pendingIds.find((id) => id !== a!.blob.id)!;
    expect(await t.prisma.blob.findUniqueOrThrow({ where: { id: spare } })).toMatchObject({ refCount: 0 });
  });

  it("over quota is refused before any byte: no session, no multipart upload", async () => {
    const { actor, user } = await createTestUser();
    await t.prisma.user.update({ where: { id: user.id }, data: { quotaBytes: BigInt(4 * MiB) } });
    // Other files share the bucket and open multipart uploads meanwhile, so the bucket's count
    // proves nothing here: watch what this process's direct-upload client sends instead.
    const send = vi.spyOn(directUploadS3().client, "send");
    const sent = () => send.mock.calls.map(([command]) => command.constructor.name);
    try {
      await expect(start(actor, randomBytes(5 * MiB))).rejects.toThrow(/Not enough space/);
      expect(await zhMessage(start(actor, randomBytes(5 * MiB)))).toMatch(/空间不足/);
      expect(sent()).not.toContain("CreateMultipartUploadCommand");
      expect(await t.prisma.uploadSession.count({ where: { userId: user.id } })).toBe(0);
      // The same watch sees the multipart upload a start within quota opens.
      const plan = await start(actor, randomBytes(3 * MiB));
      expect(sent()).toContain("CreateMultipartUploadCommand");
      expect(await openUploads(plan.uploadId)).toHaveLength(1);
      await callerFor(actor).upload.directAbort({ uploadId: plan.uploadId });
    } finally {
      send.mockRestore();
    }
  });

  it("another user's upload answers exactly like a missing one", async () => {
    const alice = await createTestUser();
    const mallory = await createTestUser();
    const bytes = randomBytes(6 * MiB);
    const plan = await start(alice.actor, bytes);
    const api = callerFor(mallory.actor).upload;
    const missing = "0".repeat(32);
    for (const uploadId of [plan.uploadId, missing]) {
      await expect(api.directPartUrls({ uploadId, parts: [{ partNumber: 1, md5: md5(bytes) }] })).rejects.toThrow("This upload does not exist or has expired.");
      await expect(api.directParts({ uploadId })).rejects.toThrow("This upload does not exist or has expired.");
      await expect(api.directComplete({ uploadId })).rejects.toThrow("This upload does not exist or has expired.");
      await expect(api.directAbort({ uploadId })).rejects.toThrow("This upload does not exist or has expired.");
    }
    expect(await openUploads(plan.uploadId)).toHaveLength(1);
  });

  it("a folder the caller cannot write is refused like a missing one", async () => {
    const alice = await createTestUser();
    const mallory = await createTestUser();
    const folder = await callerFor(alice.actor).drive.createFolder({ name: "Private" });
    await expect(start(mallory.actor, randomBytes(1024), { parentId: folder.id })).rejects.toThrow(/does not exist, or you do not have access/);
  });

  it("cancel (directAbort or the general cancel) and expiry abort the multipart upload and release the quota", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(6 * MiB);
    const viaAbort = await start(actor, bytes, { filename: "a.bin" });
    const viaCancel = await start(actor, bytes, { filename: "b.bin" });
    const viaExpiry = await start(actor, bytes, { filename: "c.bin" });
    await sendParts(actor, viaAbort, bytes, [1]);

    await callerFor(actor).upload.directAbort({ uploadId: viaAbort.uploadId });
    await callerFor(actor).upload.cancel({ uploadId: viaCancel.uploadId });
    await t.prisma.uploadSession.update({ where: { id: viaExpiry.uploadId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expireStaleUploads((id) => removeUploadData(id, () => Promise.reject(new Error("not a tus upload"))));

    for (const plan of [viaAbort, viaCancel, viaExpiry]) {
      expect(await openUploads(plan.uploadId)).toEqual([]);
      expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: plan.uploadId } })).toMatchObject({ status: "ABORTED", reservedBytes: 0n });
    }
    expect(await callerFor(actor).upload.unfinished()).toEqual([]);
  });

  it("`admin s3-cors` prints, then sets the rule browsers need: a preflight from BASE_URL may PUT parts and read the ETag", async () => {
    await s3.client.send(new DeleteBucketCorsCommand({ Bucket: settings!.bucket }));
    const origin = new URL(getEnv().baseUrl).origin;
    const printed = (await runAdminCommand("s3-cors", { print: true })) as { rule: { AllowedOrigins: string[] }; current: unknown[] };
    expect(printed.rule).toMatchObject({ AllowedOrigins: [origin], AllowedMethods: ["PUT"], ExposeHeaders: ["ETag"] });
    expect(printed.current).toEqual([]);

    const { actor } = await createTestUser();
    const bytes = randomBytes(1024);
    const plan = await start(actor, bytes);
    const { urls } = await callerFor(actor).upload.directPartUrls({ uploadId: plan.uploadId, parts: [{ partNumber: 1, md5: md5(bytes) }] });
    const preflight = (from: string) =>
      fetch(urls[0]!.url, { method: "OPTIONS", headers: { Origin: from, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-md5" } });
    expect((await preflight(origin)).headers.get("access-control-allow-origin")).toBeNull();

    await runAdminCommand("s3-cors", {});
    const rules = (await s3.client.send(new GetBucketCorsCommand({ Bucket: settings!.bucket }))).CORSRules;
    expect(rules).toEqual([expect.objectContaining({ AllowedOrigins: [origin], ExposeHeaders: ["ETag"] })]);
    const allowed = await preflight(origin);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(origin);
    expect(allowed.headers.get("access-control-expose-headers")).toBe("ETag");
    expect((await preflight("https://elsewhere.example")).headers.get("access-control-allow-origin")).toBeNull();
    // Setting it again replaces the rule for that origin instead of adding a second one.
    await runAdminCommand("s3-cors", {});
    expect((await s3.client.send(new GetBucketCorsCommand({ Bucket: settings!.bucket }))).CORSRules).toHaveLength(1);
  });

  it("S3_DIRECT_UPLOAD=false turns it off: the client is told to use tus", async () => {
    const { actor } = await createTestUser();
    expect((await callerFor(actor).upload.config()).direct).toBe(true);
    await withTestEnv({ S3_DIRECT_UPLOAD: "false" }, async () => {
      expect((await callerFor(actor).upload.config()).direct).toBe(false);
      await expect(start(actor, randomBytes(1024))).rejects.toThrow("Direct upload to storage is not enabled on this server.");
      expect(await zhMessage(start(actor, randomBytes(1024)))).toBe("本服务器未启用直传存储。");
    });
  });
});

describe("the web client's direct upload (components/upload/direct-upload-client.ts, driven from Node)", () => {
  const apiFor = (actor: Actor) => {
    const up = callerFor(actor).upload;
    return { start: up.directStart, partUrls: up.directPartUrls, parts: up.directParts, complete: up.directComplete };
  };
  /** fetch as the part transport, counting the PUTs per part; `tamper` may change a body first. */
  const fetchPut =
    (log: number[], tamper?: (n: number, body: Buffer) => Buffer): PutPart =>
    async (url, { blob, bytes: read }, md5Header, onProgress, signal) => {
      const n = Number(new URL(url).searchParams.get("partNumber"));
      log.push(n);
      // The bytes the client read to digest the part, or the part from the file (as XHR sends it).
      const part = read ?? new Uint8Array(await blob.arrayBuffer());
      let bytes: Buffer = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      if (tamper) bytes = tamper(n, bytes);
      try {
        const res = await fetch(url, { method: "PUT", body: bytes as Uint8Array<ArrayBuffer>, headers: { "Content-MD5": md5Header }, signal });
        await res.arrayBuffer();
        if (res.ok) onProgress(bytes.length);
        return res.status;
      } catch {
        return 0; // as the browser's XHR: no answer
      }
    };

  it("uploads a file in parallel parts with progress, and a reload resumes from the parts S3 lists", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(57 * MiB + 5);
    const file = new Blob([bytes]);
    let uploadId = "";
    const first: number[] = [];
    const stop = new AbortController();
    // The "reload": the page goes away once three parts are stored.
    let stored = 0;
    const interrupted = runDirectUpload({
      file, filename: "movie.bin", sha256: sha256(bytes), api: apiFor(actor), signal: stop.signal,
      onStarted: (id) => (uploadId = id),
      putPart: async (...args) => {
        const status = await fetchPut(first)(...args);
        if (status === 200 && ++stored >= 3) stop.abort();
        return status;
      },
    });
    await expect(interrupted).rejects.toThrow("Upload paused");
    // A PUT whose body had reached RGW when the page went away can still be stored a moment later
    // (run 23 listed parts 1-3 and 5, then the resume found 4 and 6-8 stored too): the listing the
    // resume is checked against is read once it has stopped changing.
    const listHeld = async () => (await callerFor(actor).upload.directParts({ uploadId })).parts.map((p) => p.partNumber);
    let held = await listHeld();
    for (let unchanged = 0, reads = 0; unchanged < 3 && reads < 60; reads++) {
      await new Promise((r) => setTimeout(r, 250));
      const again = await listHeld();
      unchanged = again.join() === held.join() ? unchanged + 1 : 0;
      held = again;
    }
    expect(held.length).toBeGreaterThanOrEqual(3);
    expect(held.length).toBeLessThan(12);

    const second: number[] = [];
    const progress: number[] = [];
    const node = await runDirectUpload({
      file, filename: "movie.bin", sha256: sha256(bytes), api: apiFor(actor), resumeId: uploadId,
      putPart: fetchPut(second), onProgress: (sent) => progress.push(sent),
    });
    expect(node).toMatchObject({ name: "movie.bin", size: bytes.length });
    // Only the parts S3 did not hold were sent again, and progress started from what it held.
    expect([...second].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1).filter((n) => !held.includes(n)));
    expect(progress[0]).toBe(held.length * 5 * MiB);
    expect(progress.at(-1)).toBe(bytes.length);
    expect((await storedSha((node as { id: string }).id)).sha).toBe(sha256(bytes));
  });

  it("reads, digests and signs each part once, as its turn comes: no part is read ahead of the parts in flight", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(57 * MiB + 5);
    const api = apiFor(actor);
    const signed: number[] = [];
    const batches: number[] = [];
    // The bytes digested are the bytes sent: the file is sliced once per part, not again for the PUT.
    const slices: number[] = [];
    class CountingBlob extends Blob {
      override slice(start?: number, end?: number, type?: string) {
        slices.push(start ?? 0);
        return super.slice(start, end, type);
      }
    }
    const node = await runDirectUpload({
      file: new CountingBlob([bytes]), filename: "once.bin", sha256: sha256(bytes), putPart: fetchPut([]),
      api: {
        ...api,
        partUrls: (input) => {
          signed.push(...input.parts.map((p) => p.partNumber));
          batches.push(input.parts.length);
          return api.partUrls(input);
        },
      },
    });
    expect(node).toMatchObject({ name: "once.bin", size: bytes.length });
    // 12 parts of 5 MiB: each signed exactly once, in batches no larger than the parts sent at a time.
    expect([...signed].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(Math.max(...batches)).toBeLessThanOrEqual(PARALLEL_PARTS);
    expect([...slices].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i * 5 * MiB));
  });

  it("with the hash pass's part MD5s it reads no part before sending it and signs several rounds per request; MD5s of another part size are ignored", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(57 * MiB + 5);
    const api = apiFor(actor);
    const batches: number[] = [];
    const countingApi = { ...api, partUrls: (input: Parameters<typeof api.partUrls>[0]) => (batches.push(input.parts.length), api.partUrls(input)) };
    let reads = 0;
    const putPart = fetchPut([]);
    const node = await runDirectUpload({
      file: new Blob([bytes]), filename: "known.bin", sha256: sha256(bytes), api: countingApi,
      // The upload manager's hash worker, with the plan's part size (S3_PART_SIZE=5MiB here).
      digests: await digestFile(new Blob([bytes]), 5 * MiB),
      putPart: (url, part, ...rest) => {
        if (part.bytes) reads++;
        return putPart(url, part, ...rest);
      },
    });
    expect(node).toMatchObject({ name: "known.bin", size: bytes.length });
    expect(reads).toBe(0);
    // 12 parts, all signed in one request (the client signs up to 8 rounds of parts at once).
    expect(batches).toEqual([12]);
    expect((await storedSha((node as { id: string }).id)).sha).toBe(sha256(bytes));

    // A hash pass for another part size (the setting changed, or a resumed upload keeps its own): the client digests each part itself.
    batches.length = 0;
    const other = await runDirectUpload({
      file: new Blob([bytes]), filename: "other.bin", sha256: sha256(bytes), api: countingApi,
      digests: await digestFile(new Blob([bytes]), 8 * MiB),
      putPart: (url, part, ...rest) => {
        if (part.bytes) reads++;
        return putPart(url, part, ...rest);
      },
    });
    expect(reads).toBe(12);
    expect(Math.max(...batches)).toBeLessThanOrEqual(PARALLEL_PARTS);
    expect((await storedSha((other as { id: string }).id)).sha).toBe(sha256(bytes));
  });

  it("S3_PUBLIC_ENDPOINT: part URLs and presigned downloads name the address browsers use, and work through it", async () => {
    const { actor } = await createTestUser();
    // The same RGW under another name, as a public hostname in front of an internal one would be.
    const s = settings!;
    const publicEndpoint = s.endpoint.replace("127.0.0.1", "localhost");
    expect(publicEndpoint).not.toBe(s.endpoint);
    const bytes = randomBytes(11 * MiB);
    const hosts = new Set<string>();
    resetDirectUploadClientForTests();
    try {
      await withTestEnv({ S3_PUBLIC_ENDPOINT: publicEndpoint }, async () => {
        const put = fetchPut([]);
        const node = await runDirectUpload({
          file: new Blob([bytes]), filename: "public.bin", sha256: sha256(bytes), api: apiFor(actor),
          putPart: (url, ...rest) => (hosts.add(new URL(url).host), put(url, ...rest)),
        });
        expect(hosts).toEqual(new Set([new URL(publicEndpoint).host]));
        const { blob, sha } = await storedSha((node as { id: string }).id);
        expect(sha).toBe(sha256(bytes));

        const store = new S3BlobStore({ ...s, publicEndpoint });
        try {
          const url = await store.presignGet(blob.storageKey, { filename: "public.bin", contentType: "application/octet-stream", expiresSeconds: 60 });
          expect(new URL(url).host).toBe(new URL(publicEndpoint).host);
          const res = await fetch(url);
          expect(res.status).toBe(200);
          expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes));
        } finally {
          store.client.destroy();
        }
      });
    } finally {
      resetDirectUploadClientForTests();
    }
  });

  it("a part corrupted on the way is refused by S3 and sent again", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(11 * MiB);
    const log: number[] = [];
    let corrupted = false;
    const node = await runDirectUpload({
      file: new Blob([bytes]), filename: "c.bin", sha256: sha256(bytes), api: apiFor(actor),
      putPart: fetchPut(log, (n, body) => {
        if (n !== 2 || corrupted) return body;
        corrupted = true;
        const bad = Buffer.from(body);
        bad[7] = bad[7]! ^ 1;
        return bad;
      }),
    });
    expect(log.filter((n) => n === 2)).toHaveLength(2);
    expect((await storedSha((node as { id: string }).id)).sha).toBe(sha256(bytes));
  });

  it("a bucket the page cannot reach (CORS, network) ends with DirectUnreachableError, for the fallback to tus", async () => {
    const { actor } = await createTestUser();
    const bytes = randomBytes(6 * MiB);
    const run = runDirectUpload({ file: new Blob([bytes]), filename: "u.bin", sha256: sha256(bytes), api: apiFor(actor), putPart: async () => 0 });
    await expect(run).rejects.toBeInstanceOf(DirectUnreachableError);
  });
});
