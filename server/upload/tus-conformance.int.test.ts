import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

// tus 1.0.0 (https://tus.io/protocols/resumable-upload) as our endpoint speaks it, with our rules.
const t = useTestDatabase({ env: { MAX_UPLOAD_BYTES: "10MiB", DEFAULT_QUOTA_BYTES: "4MiB" } });
let http: HttpHarness;
let auth: Record<string, string>;
const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s).toString("base64");
const url = (p: string) => `${http.baseUrl}${p}`;

let owner: Awaited<ReturnType<typeof createTestUser>>;
beforeAll(async () => {
  http = await startHttpHarness();
  owner = await createTestUser();
  ({ headers: auth } = await createTestToken(owner.actor));
});
afterAll(() => http?.close());

async function create(headers: Record<string, string>) {
  return fetch(url("/api/upload"), { method: "POST", headers: { ...TUS, ...auth, ...headers } });
}
async function newUpload(size = 100) {
  const res = await create({ "Upload-Length": String(size), "Upload-Metadata": `filename ${b64("c.bin")}` });
  expect(res.status).toBe(201);
  return new URL(res.headers.get("location")!, http.baseUrl).pathname;
}
const patch = (p: string, offset: number, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(url(p), { method: "PATCH", headers: { ...TUS, ...auth, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream", ...headers }, body: new Uint8Array(body) as unknown as BodyInit });

describe("tus conformance", () => {
  it("415 for a PATCH without the offset+octet-stream content type", async () => {
    const p = await newUpload();
    expect((await patch(p, 0, randomBytes(10), { "Content-Type": "text/plain" })).status).toBe(415);
  });

  it("412 with Tus-Version for a missing or unsupported Tus-Resumable", async () => {
    const res = await fetch(url("/api/upload"), { method: "POST", headers: { ...auth, "Tus-Resumable": "0.2.0", "Upload-Length": "5" } });
    expect(res.status).toBe(412);
    expect(res.headers.get("tus-version")).toContain("1.0.0");
    for (const method of ["POST", "HEAD", "PATCH", "DELETE"]) {
      const missing = await fetch(url(method === "POST" ? "/api/upload" : "/api/upload/0123456789abcdef0123456789abcdef"), { method, headers: { ...auth, "Upload-Length": "5" } });
      expect(missing.status, method).toBe(412);
      expect(missing.headers.get("tus-version"), method).toContain("1.0.0");
    }
  });

  it("413 over the maximum size, with our message", async () => {
    const res = await create({ "Upload-Length": String(11 * 1024 * 1024), "Upload-Metadata": `filename ${b64("huge.bin")}` });
    expect(res.status).toBe(413);
  });

  it("400 for a bad Upload-Defer-Length, or for both lengths at once", async () => {
    expect((await create({ "Upload-Defer-Length": "2", "Upload-Metadata": `filename ${b64("d.bin")}` })).status).toBe(400);
    expect((await create({ "Upload-Defer-Length": "1", "Upload-Length": "5", "Upload-Metadata": `filename ${b64("d.bin")}` })).status).toBe(400);
  });

  it("HEAD answers with Cache-Control: no-store and the offset", async () => {
    const p = await newUpload(50);
    await patch(p, 0, randomBytes(20));
    const head = await fetch(url(p), { method: "HEAD", headers: { ...TUS, ...auth } });
    expect(head.status).toBe(200);
    expect(head.headers.get("cache-control")).toBe("no-store");
    expect(head.headers.get("upload-offset")).toBe("20");
    expect(head.headers.get("upload-length")).toBe("50");
  });

  it("a terminated upload is gone: 404 or 410 afterwards, its reservation released", async () => {
    const p = await newUpload(3 * 1024 * 1024);
    const del = await fetch(url(p), { method: "DELETE", headers: { ...TUS, ...auth } });
    expect(del.status).toBe(204);
    const head = await fetch(url(p), { method: "HEAD", headers: { ...TUS, ...auth } });
    expect([404, 410]).toContain(head.status);
    await new Promise((r) => setTimeout(r, 100));
    const id = p.split("/").pop()!;
    expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "ABORTED", reservedBytes: 0n });
  });

  it("rejects Upload-Metadata with bad base64 or a CRLF smuggled into a value", async () => {
    expect((await create({ "Upload-Length": "5", "Upload-Metadata": "filename !!!notbase64!!!" })).status).toBe(400);
    const crlf = await create({ "Upload-Length": "5", "Upload-Metadata": `filename ${b64("evil\r\nname.txt")}` });
    expect(crlf.status).toBe(400);
    expect((await crlf.json()) as { message: string }).toMatchObject({ message: "A name cannot contain control characters." });
  });

  it("rejects a missing file name with a clear message", async () => {
    const res = await create({ "Upload-Length": "5" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe("Enter a name.");
  });

  it("a deferred length is checked against the quota when it is declared", async () => {
    const res = await create({ "Upload-Defer-Length": "1", "Upload-Metadata": `filename ${b64("deferred.bin")}` });
    expect(res.status).toBe(201);
    const p = new URL(res.headers.get("location")!, http.baseUrl).pathname;
    const tooBig = await patch(p, 0, randomBytes(10), { "Upload-Length": String(5 * 1024 * 1024) });
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { message: string }).message).toMatch(/^Not enough space/);
    const ok = await patch(p, 0, randomBytes(10), { "Upload-Length": "10" });
    expect(ok.status).toBe(204);
  });

  it("another user's PATCH and HEAD answer 404 like a missing upload, before and after the owner's PATCHes", async () => {
    const p = await newUpload(64);
    const stranger = await createTestUser();
    const { headers: strangerAuth } = await createTestToken(stranger.actor);
    const strangerPatch = (offset: number) => patch(p, offset, randomBytes(8), strangerAuth);
    const missing = await patch("/api/upload/" + "0".repeat(32), 0, randomBytes(8), strangerAuth);
    expect(missing.status).toBe(404);
    const first = await strangerPatch(0); // the owner check comes from the database
    expect(first.status).toBe(404);
    expect(await first.text()).toBe(await missing.text());
    expect((await patch(p, 0, randomBytes(8))).status).toBe(204);
    expect((await patch(p, 8, randomBytes(8))).status).toBe(204); // now the owner is known to the process
    const later = await strangerPatch(16);
    expect(later.status).toBe(404);
    expect((await fetch(url(p), { method: "HEAD", headers: { ...TUS, ...strangerAuth } })).status).toBe(404);
    const head = await fetch(url(p), { method: "HEAD", headers: { ...TUS, ...auth } });
    expect(head.headers.get("upload-offset")).toBe("16"); // the stranger wrote nothing
  });

  it("records an upload's progress in the database without a write per PATCH, ending at the last offset", async () => {
    const p = await newUpload(40);
    const id = p.split("/").pop()!;
    for (let off = 0; off < 32; off += 8) expect((await patch(p, off, randomBytes(8))).status).toBe(204);
    await expect.poll(async () => (await t.prisma.uploadSession.findUniqueOrThrow({ where: { id } })).offset, { timeout: 5000 }).toBe(32n);
  });

  it("an unfinished upload can be cancelled from another device; nobody else can", async () => {
    const p = await newUpload(2 * 1024 * 1024);
    await patch(p, 0, randomBytes(1000));
    const id = p.split("/").pop()!;
    expect((await callerFor(owner.actor).upload.unfinished()).map((u) => u.id)).toContain(id);
    const stranger = await createTestUser();
    await expect(callerFor(stranger.actor).upload.cancel({ uploadId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await callerFor(owner.actor).upload.cancel({ uploadId: id });
    expect((await callerFor(owner.actor).upload.unfinished()).map((u) => u.id)).not.toContain(id);
    const head = await fetch(url(p), { method: "HEAD", headers: { ...TUS, ...auth } });
    expect([404, 410]).toContain(head.status);
    expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "ABORTED", reservedBytes: 0n });
  });
});
