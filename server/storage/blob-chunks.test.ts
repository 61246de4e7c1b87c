import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileChunks } from "@/server/storage/blob-chunks";
import { CHUNK_BYTES, pooledChunkBuffers, takeChunkBuffer } from "@/server/storage/chunk-buffers";

const dir = mkdtempSync(path.join(os.tmpdir(), "yp-chunks-"));
const file = path.join(dir, "blob");
const bytes = randomBytes(3 * CHUNK_BYTES + 12345);
writeFileSync(file, bytes);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Copies every chunk (the buffers are reused) and records which buffers came by. */
async function collect(start: number, length?: number) {
  const chunks = fileChunks(await open(file, "r"), start, length);
  const copies: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  await chunks.pipeTo(async (c) => {
    copies.push(Buffer.from(c));
    buffers.add(c.buffer);
  });
  return { data: Buffer.concat(copies), buffers };
}

describe("fileChunks", () => {
  it("reads a whole file through two buffers that are reused and come back to the pool", async () => {
    const { data, buffers } = await collect(0);
    expect(data.equals(bytes)).toBe(true);
    // Four chunks, two buffers: a fresh buffer per chunk (the GC crawl of issue 22) would show four.
    expect(buffers.size).toBe(2);
    const again = await collect(0);
    expect([...again.buffers].every((b) => buffers.has(b))).toBe(true);
  });

  it("reads exact ranges, across chunk boundaries", async () => {
    for (const [start, end] of [
      [0, 0],
      [CHUNK_BYTES - 3, CHUNK_BYTES + 3],
      [bytes.length - 1, bytes.length - 1],
      [5, 2 * CHUNK_BYTES + 7],
    ] as const) {
      const { data } = await collect(start, end - start + 1);
      expect(data.equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
  });

  it("reads a range that fits one buffer at once (readInto), and closes the file either way", async () => {
    const fh = await open(file, "r");
    const buf = Buffer.alloc(CHUNK_BYTES);
    const n = await fileChunks(fh, CHUNK_BYTES - 7, 1000).readInto!(buf);
    expect(n).toBe(1000);
    expect(buf.subarray(0, n).equals(bytes.subarray(CHUNK_BYTES - 7, CHUNK_BYTES + 993))).toBe(true);
    await expect(fh.stat()).rejects.toThrow(/closed/);
    const short = await open(file, "r");
    await expect(fileChunks(short, bytes.length - 10, 20).readInto!(buf)).rejects.toThrow(/short/);
    await expect(short.stat()).rejects.toThrow(/closed/);
    await expect(fileChunks(await open(file, "r"), 0, CHUNK_BYTES + 1).readInto!(buf)).rejects.toThrow(/does not fit/);
    const whole = fileChunks(await open(file, "r"), 0);
    expect(whole.readInto).toBeUndefined(); // to the end of the file: no known length
    await whole.close();
  });

  it("fails when the file is shorter than the range, so an answer never ends short silently", async () => {
    await expect(collect(bytes.length - 10, 20)).rejects.toThrow(/short/);
  });

  it("stops at a failed write, closes the file and keeps the buffers a socket may still hold", async () => {
    while (pooledChunkBuffers() > 0) takeChunkBuffer(); // an empty pool: what comes back is visible
    const fh = await open(file, "r");
    let calls = 0;
    const chunks = fileChunks(fh, 0);
    await expect(
      chunks.pipeTo(async () => {
        calls++;
        throw Object.assign(new Error("gone"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
      }),
    ).rejects.toThrow("gone");
    expect(calls).toBe(1);
    expect(pooledChunkBuffers()).toBe(0);
    // The handle is closed: reading from it fails.
    await expect(fh.read(Buffer.alloc(1), 0, 1, 0)).rejects.toThrow();
  });
});
