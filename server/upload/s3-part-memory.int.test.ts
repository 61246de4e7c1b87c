// The tus store's part buffers against a real S3 (Ceph RGW from scripts/with-s3.mjs): parts live in
// memory only while they fill and travel, within the per-upload and the process-wide bounds.
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { S3Store } from "@tus/s3-store";
import { Upload } from "@tus/utils";
import { afterAll, describe, expect, it, vi } from "vitest";
import { s3ClientConfig } from "@/server/storage/s3-blob-store";
import { testS3Settings } from "@/server/test/s3-env";
import { HashingS3Store } from "@/server/upload/hashing-s3-store";

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const settings = testS3Settings();
const SKIP = "TEST_S3_ENDPOINT is unset; run under `node scripts/with-s3.mjs …` for a throwaway Ceph RGW";
const s3 = settings ? new S3Client(s3ClientConfig(settings)) : null;
afterAll(() => s3?.destroy());

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
/** The body in 64 KiB socket-sized chunks, as a request delivers it. */
const body = (bytes: Buffer) => Readable.from((function* () { for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024); })());

/** A store whose part uploads are counted: the most in flight at once, overall and per upload. */
function countingStore(options: { concurrency: number; bufferBytes: number }) {
  const store = new HashingS3Store({ settings: settings!, partSizeBytes: PART, maxUploadBytes: 1024 ** 3, ...options });
  const peak = { all: 0, perUpload: 0 };
  const now = new Map<string, number>();
  const original = (store as unknown as { sendPart: (...a: unknown[]) => Promise<void> }).sendPart.bind(store);
  vi.spyOn(store as unknown as { sendPart: (...a: unknown[]) => Promise<void> }, "sendPart").mockImplementation(async (...args: unknown[]) => {
    const id = (args[0] as { file: { id: string } }).file.id;
    now.set(id, (now.get(id) ?? 0) + 1);
    peak.all = Math.max(peak.all, [...now.values()].reduce((a, b) => a + b, 0));
    peak.perUpload = Math.max(peak.perUpload, now.get(id)!);
    try {
      // Slow enough that the reader could run ahead if nothing held it back.
      await new Promise((r) => setTimeout(r, 100));
      return await original(...args);
    } finally {
      now.set(id, now.get(id)! - 1);
    }
  });
  return { store, peak };
}

async function upload(store: HashingS3Store, bytes: Buffer) {
  const id = randomBytes(16).toString("hex");
  await store.create(new Upload({ id, size: bytes.length, offset: 0 }));
  expect(await store.write(body(bytes), id, 0)).toBe(bytes.length);
  const object = await s3!.send(new GetObjectCommand({ Bucket: settings!.bucket, Key: id }));
  expect(sha256(Buffer.from(await object.Body!.transformToByteArray()))).toBe(sha256(bytes));
}

describe.skipIf(!settings)("tus parts in memory, on their way to S3", () => {
  it("one upload holds at most S3_UPLOAD_CONCURRENCY parts", async () => {
    const { store, peak } = countingStore({ concurrency: 2, bufferBytes: 100 * PART });
    await upload(store, randomBytes(8 * PART + 123));
    expect(peak.perUpload).toBe(2);
  });

  it("all uploads together stay within S3_UPLOAD_BUFFER, and each still finishes", async () => {
    // Room for three parts (one of them filling) for four uploads that could each hold four.
    const { store, peak } = countingStore({ concurrency: 4, bufferBytes: 3 * PART });
    await Promise.all([0, 1, 2, 3].map(() => upload(store, randomBytes(4 * PART + 1))));
    expect(peak.all).toBeGreaterThan(0);
    expect(peak.all).toBeLessThanOrEqual(3);
  });

  it("a part bigger than the whole budget still goes, alone", async () => {
    const { store, peak } = countingStore({ concurrency: 4, bufferBytes: PART - 1 });
    await Promise.all([0, 1].map(() => upload(store, randomBytes(3 * PART))));
    expect(peak.all).toBe(1);
  });

  it("reuses part buffers: a second upload's parts come from the pool, and the bytes are still right", async () => {
    const store = new HashingS3Store({ settings: settings!, partSizeBytes: PART, maxUploadBytes: 1024 ** 3, concurrency: 2 });
    const made = vi.spyOn(Buffer, "allocUnsafeSlow");
    try {
      await upload(store, randomBytes(4 * PART + 5));
      const first = made.mock.calls.filter(([n]) => n === PART).length;
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(3); // two in flight, one filling
      await upload(store, randomBytes(4 * PART + 7));
      // The pool kept two (S3_UPLOAD_CONCURRENCY parts of the configured size).
      expect(made.mock.calls.filter(([n]) => n === PART).length - first).toBeLessThan(first);
    } finally {
      made.mockRestore();
    }
  });

  it("a part whose bytes changed after they were hashed is refused by S3, and the write fails", async () => {
    // The part's sha256 is computed as it fills and signed in its place (the SDK does not hash it
    // again): S3 must check the bytes against it, so corruption on the way cannot land.
    class CorruptingStore extends HashingS3Store {
      protected override async sendPart(...args: Parameters<HashingS3Store["sendPart"]>) {
        args[1][1000] = args[1][1000]! ^ 0xff;
        return super.sendPart(...args);
      }
    }
    const store = new CorruptingStore({ settings: settings!, partSizeBytes: PART, maxUploadBytes: 1024 ** 3, concurrency: 2 });
    const id = randomBytes(16).toString("hex");
    const bytes = randomBytes(2 * PART);
    await store.create(new Upload({ id, size: bytes.length, offset: 0 }));
    await expect(store.write(body(bytes), id, 0)).rejects.toMatchObject({ name: "XAmzContentSHA256Mismatch" });
    expect((await store.getUpload(id)).offset).toBe(0);
    await expect(store.digest(id, bytes.length)).rejects.toThrow();
  });

  it("a sole writer answers from its own record of the parts, and from S3 again once a write failed", async () => {
    // Part 3 is corrupted on its way, so S3 refuses it; part 2, in flight beside it, lands.
    class FailingStore extends HashingS3Store {
      failPart = 0;
      protected override async sendPart(...args: Parameters<HashingS3Store["sendPart"]>) {
        if (args[2] === this.failPart) args[1][0] = args[1][0]! ^ 0xff;
        return super.sendPart(...args);
      }
    }
    const store = new FailingStore({ settings: settings!, partSizeBytes: PART, maxUploadBytes: 1024 ** 3, concurrency: 2, soleWriter: true });
    const id = randomBytes(16).toString("hex");
    const bytes = randomBytes(4 * PART);
    await store.create(new Upload({ id, size: bytes.length, offset: 0 }));
    // retrieveParts is where S3 would be asked; the store's own record never reaches super's.
    const s3Lists = vi.spyOn(S3Store.prototype as unknown as { retrieveParts: () => Promise<unknown> }, "retrieveParts");
    expect((await store.getUpload(id)).offset).toBe(0);
    expect(await store.write(body(bytes.subarray(0, PART)), id, 0)).toBe(PART);
    expect((await store.getUpload(id)).offset).toBe(PART);
    expect(s3Lists).not.toHaveBeenCalled();

    store.failPart = 3;
    await expect(store.write(body(bytes.subarray(PART, 3 * PART)), id, PART)).rejects.toMatchObject({ name: "XAmzContentSHA256Mismatch" });
    // Not the record (one part) nor what the write was given (three): what S3 holds, two parts.
    expect((await store.getUpload(id)).offset).toBe(2 * PART);
    expect(s3Lists).toHaveBeenCalled();
    s3Lists.mockRestore();

    store.failPart = 0;
    expect(await store.write(body(bytes.subarray(2 * PART)), id, 2 * PART)).toBe(bytes.length);
    const object = await s3!.send(new GetObjectCommand({ Bucket: settings!.bucket, Key: id }));
    expect(sha256(Buffer.from(await object.Body!.transformToByteArray()))).toBe(sha256(bytes));
  });
});

if (!settings) it.skip(`tus parts in memory: ${SKIP}`, () => {});
