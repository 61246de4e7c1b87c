// The behaviour every BlobStore shares, run by each store's integration test against the real
// backend (a temp dir, a real S3 endpoint). Blobs enter through the backend's own upload store,
// as in production, so adoption is tested with what tus really leaves behind.
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { contentDisposition } from "@/server/http/content-disposition";
import { hashStream } from "@/server/storage/streaming-hash";
import { BlobNotFoundError, type BlobStore, type UploadRef } from "@/server/storage/blob-store";

const MiB = 1024 * 1024;

export interface ContractHarness {
  store: BlobStore;
  /** Where the backend splits stored bytes (an S3 part boundary); reads across it are checked. */
  boundary: number;
  /** A finished upload holding `bytes`, made by the backend's upload store, and the sha256 it streamed. */
  finishUpload(bytes: Buffer): Promise<{ ref: UploadRef; sha256: string }>;
  /** Whether the upload store still holds the upload as an upload (not adopted, not discarded). */
  isUploadPending(ref: UploadRef): Promise<boolean>;
  close(): Promise<void>;
}

/** Feeds `bytes` in 64 KiB chunks, as a socket would. */
export function chunked(bytes: Buffer, size = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  );
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function listed(store: BlobStore): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const k of store.list()) keys.add(k);
  return keys;
}

/** `skip`: why this backend cannot run here (shown as the skip note), or undefined to run. */
export function runBlobStoreContract(name: string, setup: () => Promise<ContractHarness>, options: { skip?: string } = {}) {
  describe(`BlobStore contract: ${name}`, () => {
    let h: ContractHarness;
    let bytes: Buffer;
    let key: string;

    beforeAll(async () => {
      if (options.skip) return void console.warn(`skipped: BlobStore contract on ${name}: ${options.skip}`);
      h = await setup();
      // Past one boundary, and not a whole number of parts.
      bytes = randomBytes(h.boundary + MiB + 12_345);
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach((ctx) => {
      if (options.skip) ctx.skip(options.skip);
    });

    it("adopts a finished upload (again after a rolled-back commit) and reads it back whole", async () => {
      const { ref, sha256: streamed } = await h.finishUpload(bytes);
      expect(streamed).toBe(sha256(bytes));
      expect(await h.isUploadPending(ref)).toBe(true);
      ({ storageKey: key } = await h.store.adoptUpload(ref, streamed));
      expect(key).toMatch(/^[0-9a-f]+$/);
      // Adoption runs inside the commit's transaction: when that rolls back (the database went
      // away), the retry adopts the same upload again and must find its bytes.
      expect(await h.store.adoptUpload(ref, streamed)).toEqual({ storageKey: key });
      expect(await h.store.head(key)).toMatchObject({ size: bytes.length, modifiedAt: expect.any(Date) });
      expect(await hashStream(await h.store.read(key))).toEqual({ sha256: sha256(bytes), size: bytes.length });
    });

    it("reads exact byte ranges: first, last, across a boundary, a suffix", async () => {
      const n = bytes.length;
      const ranges = [
        { start: 0, end: 0 },
        { start: n - 1, end: n - 1 },
        { start: h.boundary - 7, end: h.boundary + 6 },
        { start: n - 1000, end: n - 1 },
        { start: 1234, end: 1234 + 100_000 },
      ];
      for (const r of ranges) {
        const got = await readAll(await h.store.read(key, r));
        expect(got.equals(bytes.subarray(r.start, r.end + 1)), `bytes ${r.start}-${r.end}`).toBe(true);
      }
    });

    it("gives the same bytes chunk by chunk (openChunks, what downloads use), whole and in ranges", async () => {
      const pass = async (range?: { start: number; end: number }) => {
        const copies: Buffer[] = [];
        await (await h.store.openChunks(key, range)).pipeTo(async (c) => void copies.push(Buffer.from(c)));
        return Buffer.concat(copies);
      };
      expect((await pass()).equals(bytes)).toBe(true);
      const r = { start: h.boundary - 7, end: h.boundary + 6 };
      expect((await pass(r)).equals(bytes.subarray(r.start, r.end + 1))).toBe(true);
      const missing = randomBytes(key.length / 2).toString("hex");
      await expect(h.store.openChunks(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it("lists adopted blobs, not uploads in flight, and discards an upload it does not need", async () => {
      const other = randomBytes(1000);
      const { ref } = await h.finishUpload(other);
      const keys = await listed(h.store);
      expect(keys.has(key)).toBe(true);
      expect(keys.has(ref.uploadId) || keys.has(sha256(other))).toBe(false);
      await h.store.discardUpload(ref);
      expect(await h.isUploadPending(ref)).toBe(false);
      await h.store.discardUpload(ref);
    });

    it("answers a missing key with null on head and BlobNotFoundError on read", async () => {
      const missing = randomBytes(key.length / 2).toString("hex");
      expect(await h.store.head(missing)).toBeNull();
      await expect(h.store.read(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(h.store.read(missing, { start: 0, end: 9 })).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it("presigns a direct download with the file's name and type (stores that can)", async (ctx) => {
      if (!h.store.presignGet) return ctx.skip(`${name} serves every byte itself (no presignGet)`);
      const filename = "季度报告 \"final\" 2024.bin";
      const url = await h.store.presignGet(key, { filename, contentType: "application/x-test", expiresSeconds: 60 });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-test");
      // fetch exposes header bytes as Latin-1; the value must be pure ASCII to survive that.
      expect(res.headers.get("content-disposition")).toBe(contentDisposition(filename));
      expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes));
      const ranged = await fetch(url, { headers: { Range: "bytes=10-19" } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
    });

    it("deletes idempotently", async () => {
      await h.store.delete(key);
      await h.store.delete(key);
      expect(await h.store.head(key)).toBeNull();
      await expect(h.store.read(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      expect((await listed(h.store)).has(key)).toBe(false);
    });

    it("passes its health check", async () => {
      await expect(h.store.check()).resolves.toBeUndefined();
    });
  });
}
