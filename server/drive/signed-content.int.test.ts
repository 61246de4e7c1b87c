import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { signBlobPath } from "@/server/security/signed-blob-url";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import type { Actor } from "@/server/auth/actor";

// Signed blob URLs end to end on the byte routes: one access check hands out the URL, which then
// serves ranges, conditionals and HEAD with no session and no database row behind it.
const t = useTestDatabase();
let app: HttpHarness;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  app = await startHttpHarness();
});
afterAll(() => app?.close());

const get = (path: string, init: RequestInit = {}) => fetch(app.baseUrl + path, { redirect: "manual", ...init });

async function signedUrlOf(nodeId: string, headers: Record<string, string>, query = "") {
  const res = await get(`/api/files/${nodeId}/content?redirect=1${query}`, { headers });
  expect(res.status).toBe(302);
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  return res.headers.get("location")!;
}

async function ownerWithFile(name: string, content: Buffer) {
  const { actor } = await createTestUser();
  const { headers } = await createTestToken(actor);
  const node = await createTestFile({ actor, name, content });
  return { actor, headers, node };
}

describe("handing out the URL", () => {
  test("after the access check: a 302 to /api/blob/…, the same URL on a repeat; another user's id is a plain 404", async () => {
    const { headers, node } = await ownerWithFile("年报.bin", randomBytes(2048));
    const url = await signedUrlOf(node.id, headers);
    expect(url).toMatch(/^\/api\/blob\/[0-9a-f]{64}\/%E5%B9%B4%E6%8A%A5\.bin\?/);
    expect(await signedUrlOf(node.id, headers)).toBe(url);
    const other = await createTestToken((await createTestUser()).actor);
    const foreign = await get(`/api/files/${node.id}/content?redirect=1`, { headers: other.headers });
    const missing = await get(`/api/files/00000000-0000-4000-8000-000000000000/content?redirect=1`, { headers: other.headers });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("location")).toBeNull();
    expect(await foreign.text()).toBe(await missing.text());
    expect((await get(`/api/files/${node.id}/content?redirect=1`)).status).toBe(401);
  });

  test("drive.contentUrl gives the same URL, and refuses another user's file like a missing one", async () => {
    const { actor, headers, node } = await ownerWithFile("a.bin", randomBytes(100));
    const out = await callerFor(actor).drive.contentUrl({ nodeId: node.id });
    expect(out.url).toBe(await signedUrlOf(node.id, headers));
    expect(out.expiresAt.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const stranger: Actor = (await createTestUser()).actor;
    await expect(callerFor(stranger).drive.contentUrl({ nodeId: node.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("serving the signed URL", () => {
  test("the exact bytes to anyone holding it, public and immutable until it expires, with the content route's safety headers", async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const { headers, node } = await ownerWithFile("video 视频.bin", content);
    const url = await signedUrlOf(node.id, headers);
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(sha(content));
    const cache = /^public, max-age=(\d+), immutable$/.exec(res.headers.get("cache-control") ?? "");
    expect(cache).not.toBeNull();
    const maxAge = Number(cache![1]);
    const expires = Number(new URL(url, "http://x").searchParams.get("e"));
    expect(maxAge).toBeGreaterThanOrEqual(15 * 60 - 5);
    expect(maxAge).toBeLessThanOrEqual(expires - Math.floor(Date.now() / 1000) + 1);
    expect(res.headers.get("etag")).toBe(`"${sha(content)}"`);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; .*filename\*=UTF-8''video%20%E8%A7%86%E9%A2%91\.bin/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("sandbox");
    expect(res.headers.get("content-length")).toBe(String(content.length));
  });

  test("Range, If-Range (matching and stale), If-None-Match → 304, HEAD, and a range past the end", async () => {
    const content = randomBytes(2 * 1024 * 1024);
    const { headers, node } = await ownerWithFile("seek.bin", content);
    const url = await signedUrlOf(node.id, headers);
    const etag = `"${sha(content)}"`;

    const part = await get(url, { headers: { Range: "bytes=1000-1999" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1000-1999/${content.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(content.subarray(1000, 2000));
    expect(part.headers.get("cache-control")).toMatch(/^public, max-age=\d+, immutable$/);

    const ifRange = await get(url, { headers: { Range: "bytes=5-9", "If-Range": etag } });
    expect(ifRange.status).toBe(206);
    expect(Buffer.from(await ifRange.arrayBuffer())).toEqual(content.subarray(5, 10));
    const stale = await get(url, { headers: { Range: "bytes=5-9", "If-Range": '"something-else"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(content.length);

    const notModified = await get(url, { headers: { "If-None-Match": etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(etag);
    expect(notModified.headers.get("cache-control")).toMatch(/^public, max-age=\d+, immutable$/);

    const head = await get(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(content.length));
    expect(head.headers.get("accept-ranges")).toBe("bytes");
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const past = await get(url, { headers: { Range: `bytes=${content.length}-` } });
    expect(past.status).toBe(416);
  });

  test("a Range on an empty file is ignored: 200 with no bytes, not 416 (nginx's slice cache asks every file for a range)", async () => {
    const { headers, node } = await ownerWithFile("empty.txt", Buffer.alloc(0));
    const res = await get(await signedUrlOf(node.id, headers), { headers: { Range: "bytes=0-8388607" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("0");
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  test("previews: a passive type inline under a sandbox CSP; anything that could run as script stays an attachment", async () => {
    const { actor, headers } = await ownerWithFile("x.bin", randomBytes(10));
    const png = await createTestFile({ actor, name: "pic.png", content: randomBytes(64), mimeType: "image/png" });
    const html = await createTestFile({ actor, name: "page.html", content: "<script>alert(1)</script>", mimeType: "text/html" });
    const pic = await get(await signedUrlOf(png.id, headers, "&inline=1"));
    expect(pic.headers.get("content-type")).toBe("image/png");
    expect(pic.headers.get("content-disposition")).toMatch(/^inline; /);
    expect(pic.headers.get("content-security-policy")).toBe("sandbox");
    const page = await get(await signedUrlOf(html.id, headers, "&inline=1"));
    expect(page.headers.get("content-disposition")).toMatch(/^attachment; /);
    expect(page.headers.get("content-security-policy")).toBe("sandbox");
  });

  test("checked with no database row: the URL keeps working after the file is deleted for good, until it expires", async () => {
    const content = randomBytes(5000);
    const { actor, headers, node } = await ownerWithFile("gone.bin", content);
    const url = await signedUrlOf(node.id, headers);
    await callerFor(actor).drive.trash({ nodeIds: [node.id] });
    await callerFor(actor).drive.purge({ nodeIds: [node.id] });
    expect(await t.prisma.node.findUnique({ where: { id: node.id } })).toBeNull();
    // Blob GC has not run yet: the bytes are still there, and the URL needs nothing else.
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(sha(content));
    // Once blob GC removed the bytes, the URL is a plain 404 (not a server error).
    await getBlobStore().delete(sha(content));
    const gone = await get(url);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("refusals: 403 with a message in the caller's language", () => {
  test("a tampered URL, another blob's signature, and an expired URL", async () => {
    const { actor, headers, node } = await ownerWithFile("report.pdf", randomBytes(300));
    const otherNode = await createTestFile({ actor, name: "other.bin", content: randomBytes(300) });
    const url = new URL(await signedUrlOf(node.id, headers), "http://x");
    const otherUrl = new URL(await signedUrlOf(otherNode.id, headers), "http://x");

    const renamed = `${url.pathname.replace("report.pdf", "report.html")}${url.search}`;
    const inline = new URL(url);
    inline.searchParams.set("d", "i");
    const borrowed = new URL(url);
    borrowed.searchParams.set("s", otherUrl.searchParams.get("s")!);
    for (const bad of [renamed, inline.pathname + inline.search, borrowed.pathname + borrowed.search]) {
      const res = await get(bad);
      expect(res.status, bad).toBe(403);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({ code: "FORBIDDEN", message: expect.stringMatching(/not valid/) });
    }
    const zh = await get(renamed, { headers: { "Accept-Language": "zh-CN" } });
    expect((await zh.json()).message).toMatch(/链接无效/);

    const blob = await t.prisma.blob.findFirstOrThrow({ where: { versions: { some: { nodeId: node.id } } } });
    const old = signBlobPath(
      { sha256: blob.sha256, storageKey: blob.storageKey, size: 300, name: "report.pdf", disposition: "attachment", contentType: "application/octet-stream" },
      Date.now() - 3 * 15 * 60_000,
    );
    const expired = await get(old.path, { headers: { "Accept-Language": "zh-CN" } });
    expect(expired.status).toBe(403);
    expect((await expired.json()).message).toMatch(/已过期/);
    expect((await (await get(old.path)).json()).message).toMatch(/expired/);
  });
});
