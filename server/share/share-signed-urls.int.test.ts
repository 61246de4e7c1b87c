import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { sharePageCsp } from "@/server/share/share-http";

// Share links and signed blob URLs: a link without a download limit hands out the blob's URL
// (counted once per click), a limited one never does, and a revoked link's URLs already handed
// out last until their window ends (README, "Signed download URLs").
const t = useTestDatabase();
let app: HttpHarness;
beforeAll(async () => {
  app = await startHttpHarness();
});
afterAll(() => app?.close());

const get = (path: string, init: RequestInit = {}) => fetch(app.baseUrl + path, { redirect: "manual", ...init });

async function sharedFile(maxDownloads: number | null) {
  const owner = await createTestUser();
  const content = randomBytes(4096);
  const file = await createTestFile({ actor: owner.actor, name: "clip.bin", content });
  const { token, link } = await callerFor(owner.actor).share.createLink({ nodeId: file.id, permission: "DOWNLOAD", ...(maxDownloads === null ? {} : { maxDownloads }) });
  return { owner, content, file, token, link };
}

test("a link without a limit: ?redirect=1 counts the download once and sends the visitor to the signed URL, which serves ranges uncounted", async () => {
  const { content, file, token, link } = await sharedFile(null);
  const res = await get(`/api/s/${token}/files/${file.id}/content?redirect=1`);
  expect(res.status).toBe(302);
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  const url = res.headers.get("location")!;
  expect(url).toMatch(/^\/api\/blob\/[0-9a-f]{64}\/clip\.bin\?/);
  expect(url).not.toContain(token);
  const whole = await get(url);
  expect(Buffer.from(await whole.arrayBuffer())).toEqual(content);
  const part = await get(url, { headers: { Range: "bytes=10-19" } });
  expect(Buffer.from(await part.arrayBuffer())).toEqual(content.subarray(10, 20));
  expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(1);
  // HEAD (the page's probe) never counts.
  expect((await get(`/api/s/${token}/files/${file.id}/content?redirect=1`, { method: "HEAD" })).status).toBe(302);
  expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(1);
});

test("a limited link never hands out a signed URL: ?redirect=1 is served and counted by the link's own rule", async () => {
  const { content, file, token, link } = await sharedFile(1);
  const first = await get(`/api/s/${token}/files/${file.id}/content?redirect=1`);
  expect(first.status).toBe(200);
  expect(first.headers.get("location")).toBeNull();
  expect(first.headers.get("cache-control")).toBe("private, no-store");
  expect(Buffer.from(await first.arrayBuffer())).toEqual(content);
  expect((await t.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(1);
  // Used up: a second visitor (no ticket) is refused, with or without redirect, preview too.
  expect((await get(`/api/s/${token}/files/${file.id}/content?redirect=1`)).status).toBe(410);
  expect((await get(`/api/s/${token}/files/${file.id}/content?redirect=1&inline=1`)).status).toBe(410);
});

test("a revoked link: no new URL, while one already handed out works until its window ends", async () => {
  const { owner, content, file, token, link } = await sharedFile(null);
  const url = (await get(`/api/s/${token}/files/${file.id}/content?redirect=1`)).headers.get("location")!;
  await callerFor(owner.actor).share.revokeLink({ linkId: link.id });
  expect((await get(`/api/s/${token}/files/${file.id}/content?redirect=1`)).status).toBe(410);
  const res = await get(url);
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer())).toEqual(content);
});

test("the share page's CSP lets previews come from CDN_BASE_URL's origin, and only from there", () => {
  const csp = sharePageCsp("n0nce", false, "https://cdn.example.com/yunpan");
  for (const d of ["img-src", "media-src", "connect-src", "frame-src"]) expect(csp).toMatch(new RegExp(`${d} [^;]*https://cdn\\.example\\.com(;|$)`));
  expect(csp).toMatch(/script-src 'self' 'nonce-n0nce' 'strict-dynamic'(;|$)/);
  expect(sharePageCsp("n0nce", false)).not.toContain("cdn.example.com");
});
