import { afterEach, describe, expect, it, vi } from "vitest";
import { PartBufferPool } from "@/server/upload/part-buffer-pool";

afterEach(() => void vi.useRealTimers());

describe("PartBufferPool", () => {
  it("hands a given-back buffer out again, also when only its head was sent", () => {
    const pool = new PartBufferPool(2048);
    const a = pool.take(1024);
    pool.give(a.subarray(0, 100));
    const b = pool.take(1024);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(1024);
    expect(pool.take(1024).buffer).not.toBe(a.buffer);
  });

  it("keeps buffers by size, at most `keepBytes` of them, and never one it did not make", () => {
    const pool = new PartBufferPool(30);
    const [a, b, c] = [pool.take(10), pool.take(10), pool.take(20)];
    pool.give(Buffer.alloc(10));
    expect(pool.size).toBe(0);
    pool.give(a);
    pool.give(c);
    pool.give(b);
    expect(pool.size).toBe(2);
    expect(pool.take(20).buffer).toBe(c.buffer);
    expect(pool.take(10).buffer).toBe(a.buffer);
    expect(pool.take(10).buffer).not.toBe(b.buffer);
  });

  it("lets go of every free buffer after a while without use", () => {
    vi.useFakeTimers();
    const pool = new PartBufferPool(40, 1000);
    const a = pool.take(10);
    pool.give(a);
    vi.advanceTimersByTime(600);
    pool.give(pool.take(10)); // use pushes the deadline back
    vi.advanceTimersByTime(600);
    expect(pool.size).toBe(1);
    vi.advanceTimersByTime(500);
    expect(pool.size).toBe(0);
    expect(pool.take(10).buffer).not.toBe(a.buffer);
  });
});
