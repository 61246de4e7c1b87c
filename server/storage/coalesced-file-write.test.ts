import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { CHUNK_BYTES, pooledChunkBuffers, takeChunkBuffer } from "@/server/storage/chunk-buffers";
import { writeCoalesced } from "@/server/storage/coalesced-file-write";

const dir = mkdtempSync(path.join(os.tmpdir(), "yp-coalesce-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `bytes` in socket-like chunks of `size` (odd, so chunks straddle the 1 MiB boundaries). */
function chunked(bytes: Buffer, size = 65_521): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Takes every free buffer out of the pool, so what comes back afterwards is what a write returned. */
function drainPool() {
  while (pooledChunkBuffers() > 0) takeChunkBuffer();
}

describe("writeCoalesced", () => {
  it("writes every byte at the offset in 1 MiB writes through two reused buffers that go back to the pool", async () => {
    const file = path.join(dir, "a");
    const head = randomBytes(1000);
    writeFileSync(file, head);
    const bytes = randomBytes(4 * CHUNK_BYTES + 777);
    drainPool();
    const seen: number[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const written = await writeCoalesced(Readable.from(chunked(bytes)), file, head.length, (b) => {
      seen.push(b.length);
      buffers.add(b.buffer);
    });
    expect(written).toBe(bytes.length);
    expect(readFileSync(file).equals(Buffer.concat([head, bytes]))).toBe(true);
    expect(seen).toEqual([CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 777]);
    // Five writes, two buffers: a fresh buffer per write (Buffer.concat) would show five.
    expect(buffers.size).toBe(2);
    expect(pooledChunkBuffers()).toBe(2);
  });

  it("keeps the full buffers written before a failing source, and still returns its buffers", async () => {
    const file = path.join(dir, "b");
    writeFileSync(file, "");
    const bytes = randomBytes(2 * CHUNK_BYTES + 5000);
    async function* failing() {
      yield* chunked(bytes);
      throw Object.assign(new Error("client went away"), { code: "ECONNRESET" });
    }
    drainPool();
    await expect(writeCoalesced(failing(), file, 0, () => {})).rejects.toThrow("client went away");
    // The unfinished third buffer (5000 bytes) is dropped; the two full ones reached the file.
    expect(readFileSync(file).equals(bytes.subarray(0, 2 * CHUNK_BYTES))).toBe(true);
    expect(pooledChunkBuffers()).toBe(2);
  });
});
