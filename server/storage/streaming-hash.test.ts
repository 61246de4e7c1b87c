import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { COALESCE_BYTES, hashStream, StreamingHashes } from "@/server/storage/streaming-hash";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Runs one "PATCH" of `bytes` through the hash in 64 KiB chunks, as a store's write feeds it. */
function write(hashes: StreamingHashes, id: string, offset: number, bytes: Buffer) {
  const w = hashes.begin(id, offset);
  for (let i = 0; i < bytes.length; i += 65536) w.update(bytes.subarray(i, i + 65536));
  return { w };
}

describe("StreamingHashes", () => {
  it("hashes consecutive writes into the digest of the whole", async () => {
    const hashes = new StreamingHashes();
    const bytes = randomBytes(3 * COALESCE_BYTES + 1000); // several MiB, cut mid-chunk
    const split = COALESCE_BYTES + 12345;
    const a = write(hashes, "u", 0, bytes.subarray(0, split));
    a.w.done(split);
    const b = write(hashes, "u", split, bytes.subarray(split));
    b.w.done(bytes.length);
    expect(b.w.received).toBe(bytes.length - split);
    expect(hashes.take("u", bytes.length)).toBe(sha256(bytes));
    expect(hashes.take("u", bytes.length)).toBeNull();
  });

  it("drops the state when a write arrives at an offset it does not cover", async () => {
    const hashes = new StreamingHashes();
    const bytes = randomBytes(1000);
    write(hashes, "u", 0, bytes.subarray(0, 400)).w.done(400);
    // e.g. another process stored bytes 400-599 meanwhile
    write(hashes, "u", 600, bytes.subarray(600)).w.done(1000);
    expect(hashes.take("u", 1000)).toBeNull();
  });

  it("drops the state when storage kept other bytes than the hash saw (a failed write)", async () => {
    const hashes = new StreamingHashes();
    const bytes = randomBytes(1000);
    write(hashes, "u", 0, bytes).w.done(700);
    expect(hashes.take("u", 700)).toBeNull();
  });

  it("starts over at offset 0 and forgets on request", async () => {
    const hashes = new StreamingHashes();
    const bytes = randomBytes(500);
    write(hashes, "u", 0, randomBytes(300)).w.done(300);
    write(hashes, "u", 0, bytes).w.done(500);
    expect(hashes.take("u", 500)).toBe(sha256(bytes));
    write(hashes, "v", 0, bytes).w.done(500);
    hashes.forget("v");
    expect(hashes.take("v", 500)).toBeNull();
  });

  it("hashes a stream with its length", async () => {
    const bytes = randomBytes(100_000);
    expect(await hashStream(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]))).toEqual({ sha256: sha256(bytes), size: bytes.length });
  });
});
