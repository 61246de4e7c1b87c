import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { Upload } from "@tus/utils";
import { CHUNK_BYTES, pooledChunkBuffers, takeChunkBuffer } from "@/server/storage/chunk-buffers";
import { HashingFileStore } from "@/server/upload/hashing-file-store";

const dir = mkdtempSync(path.join(os.tmpdir(), "yp-file-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const chunked = (bytes: Buffer, size = 65_521) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe("HashingFileStore.write", () => {
  it("stores and hashes a PATCH through the reused buffer pool", async () => {
    const store = new HashingFileStore({ directory: path.join(dir, "uploads") });
    const id = "0123456789abcdef0123456789abcdef";
    const bytes = randomBytes(3 * CHUNK_BYTES + 4321);
    await store.create(new Upload({ id, size: bytes.length, offset: 0 }));
    while (pooledChunkBuffers() > 0) takeChunkBuffer();
    const split = CHUNK_BYTES + 99;
    expect(await store.write(Readable.from(chunked(bytes.subarray(0, split))), id, 0)).toBe(split);
    expect(await store.write(Readable.from(chunked(bytes.subarray(split))), id, split)).toBe(bytes.length);
    // The old path (Transform + createWriteStream) never touched the pool.
    expect(pooledChunkBuffers()).toBe(2);
    expect(readFileSync(store.filePath(id)).equals(bytes)).toBe(true);
    expect(await store.digest(id, bytes.length)).toEqual({ sha256: sha256(bytes), streamed: true });
  });
});
