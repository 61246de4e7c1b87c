import { createHash, randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { COALESCE_BYTES, hashStream, StreamingHashes } from "@/server/storage/streaming-hash";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Runs one "PATCH" of `bytes` through the hash in 64 KiB chunks; returns the writes that came out. */
async function write(hashes: StreamingHashes, id: string, offset: number, bytes: Buffer) {
  const w = hashes.begin(id, offset);
  const writes: number[] = [];
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
  await pipeline(
    Readable.from(chunks),
    w.transform,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        writes.push(chunk.length);
        cb();
      },
    }),
  );
  return { w, writes };
}

describe("StreamingHashes", () => {
  it("hashes consecutive writes into the digest of the whole, coalescing into 1 MiB writes", async () => {
    const hashes = new StreamingHashes();
    const bytes = randomBytes(3 * COALESCE_BYTES + 1000);
    const split = COALESCE_BYTES + 12345;
    const a = await write(hashes, "u", 0, bytes.subarray(0, split));
    a.w.done(split);
    const b = await write(hashes, "u", split, bytes.subarray(split));
    b.w.done(bytes.length);
    expect(a.writes.slice(0, -1).every((n) => n >= COALESCE_BYTES)).toBe(true);
    expect(b.writes.reduce((x, y) => x + y, 0)).toBe(bytes.length - split);
    expect(hashes.take("u", bytes.length)).toBe(sha256(bytes));
    expect(hashes.take("u", bytes.length)).toBeNull();
  });

  it("drops the state when a write arrives at an offset it does not cover", async () => {
    const hashes = new StreamingHashes();
    const bytes = randomBytes(1000);
    (await write(hashes, "u", 0, bytes.subarray(0, 400))).w.done(400);
    // e.g. another process stored bytes 400-599 meanwhile
    (await write(hashes, "u", 600, bytes.subarray(600))).w.done(1000);
    expect(hashes.take("u", 1000)).toBeNull();
  });

  it("drops the state when storage kept other bytes than the hash saw (a failed write)", async () => {
    const hashes = new StreamingHashes();
    const bytes = randomBytes(1000);
    (await write(hashes, "u", 0, bytes)).w.done(700);
    expect(hashes.take("u", 700)).toBeNull();
  });

  it("starts over at offset 0 and forgets on request", async () => {
    const hashes = new StreamingHashes();
    const bytes = randomBytes(500);
    (await write(hashes, "u", 0, randomBytes(300))).w.done(300);
    (await write(hashes, "u", 0, bytes)).w.done(500);
    expect(hashes.take("u", 500)).toBe(sha256(bytes));
    (await write(hashes, "v", 0, bytes)).w.done(500);
    hashes.forget("v");
    expect(hashes.take("v", 500)).toBeNull();
  });

  it("hashes a stream with its length", async () => {
    const bytes = randomBytes(100_000);
    expect(await hashStream(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]))).toEqual({ sha256: sha256(bytes), size: bytes.length });
  });
});
