import { PassThrough } from "node:stream";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { webBodyOf } from "@/server/upload/tus-body";

const asRequest = (s: PassThrough) => s as unknown as IncomingMessage;

describe("webBodyOf", () => {
  it("hands on the request's own buffers, in order, and ends with it", async () => {
    const req = new PassThrough();
    const chunks = [Buffer.from("abc"), Buffer.from("defg")];
    const body = webBodyOf(asRequest(req));
    for (const c of chunks) req.write(c);
    req.end();
    const got: Uint8Array[] = [];
    const reader = body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(r.value);
    expect(Buffer.concat(got).toString()).toBe("abcdefg");
    // no copy: the very same memory reaches the reader
    expect(got[0]!.buffer).toBe(chunks[0]!.buffer);
  });

  it("pauses the request while 1 MiB waits unread, and resumes when read", async () => {
    const req = new PassThrough({ highWaterMark: 1 });
    const body = webBodyOf(asRequest(req));
    const reader = body.getReader();
    const chunk = Buffer.alloc(256 * 1024);
    for (let i = 0; i < 8; i++) req.write(chunk);
    await new Promise((r) => setTimeout(r, 20));
    expect(req.isPaused()).toBe(true);
    expect(req.readableLength).toBeGreaterThan(0); // left in the request, not queued in memory
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    let read = 256 * 1024;
    req.end();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.length;
    }
    expect(read).toBe(8 * 256 * 1024);
  });

  it("fails when the request fails, and cancelling it destroys the request", async () => {
    const req = new PassThrough();
    const reader = webBodyOf(asRequest(req)).getReader();
    req.destroy(new Error("client went away mid-request"));
    await expect(reader.read()).rejects.toThrow(/client went away/);

    const other = new PassThrough();
    await webBodyOf(asRequest(other)).cancel(new Error("stop"));
    expect(other.destroyed).toBe(true);
  });
});
