import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { signThumbnailPath } from "@/server/security/signed-blob-url";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { drainQueue } from "@/server/jobs/queue";
import { backfillThumbnails, THUMBNAIL_SIZE } from "@/server/thumbnails/thumbnail.service";

const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

const picture = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } }).png().toBuffer();

async function thumbnailOf(nodeId: string, headers: Record<string, string>) {
  return fetch(`${http.baseUrl}/api/files/${nodeId}/thumbnail`, { headers });
}

describe("thumbnails", () => {
  it("a committed picture gets a WebP thumbnail from the queue, served to its owner only", async () => {
    const owner = await createTestUser();
    const { headers } = await createTestToken(owner.actor);
    const node = await createTestFile({ actor: owner.actor, name: "photo.png", content: await picture(1200, 800), mimeType: "image/png" });
    expect((await thumbnailOf(node.id, headers)).status).toBe(404); // not made yet
    expect(await t.prisma.queuedJob.count({ where: { kind: "thumbnail.make", status: "QUEUED" } })).toBeGreaterThan(0);
    await drainQueue();
    const res = await thumbnailOf(node.id, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe("webp");
    expect([meta.width, meta.height]).toEqual([THUMBNAIL_SIZE, Math.round((THUMBNAIL_SIZE * 800) / 1200)]);
    const again = await fetch(`${http.baseUrl}/api/files/${node.id}/thumbnail`, { headers: { ...headers, "If-None-Match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);

    const stranger = await createTestUser();
    const { headers: strangerHeaders } = await createTestToken(stranger.actor);
    const foreign = await thumbnailOf(node.id, strangerHeaders);
    const missing = await thumbnailOf("00000000-0000-4000-8000-000000000000", strangerHeaders);
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toBe(await missing.text());
    expect((await thumbnailOf(node.id, {})).status).toBe(401);
  });

  it("a folder listing gives a made thumbnail a signed, public, cacheable URL that needs no session; tampered or expired URLs are refused", async () => {
    const owner = await createTestUser();
    const content = await picture(640, 480);
    const node = await createTestFile({ actor: owner.actor, name: "sky.png", content, mimeType: "image/png" });
    const listed = async () => (await callerFor(owner.actor).drive.list({})).items.find((i) => i.id === node.id)!;
    // Not made yet: no URL (the grid asks the session route, which retries).
    expect((await listed()).thumbnailUrl).toBeNull();
    await drainQueue();
    const url = (await listed()).thumbnailUrl!;
    expect(url).toMatch(/^\/api\/thumb\/[0-9a-f]{64}\.webp\?e=\d+&s=[\w-]+$/);
    // One URL per window: a second listing gives the same one, so caches hit.
    expect((await listed()).thumbnailUrl).toBe(url);

    const res = await fetch(http.baseUrl + url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+, immutable$/);
    expect(res.headers.get("content-security-policy")).toBe("sandbox");
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(THUMBNAIL_SIZE);
    expect((await fetch(http.baseUrl + url, { headers: { "If-None-Match": res.headers.get("etag")! } })).status).toBe(304);

    // Another picture's sha256 under this signature, a changed signature, an expiry moved out.
    const other = "0".repeat(64);
    const forged = [url.replace(/thumb\/[0-9a-f]{64}/, `thumb/${other}`), url.replace(/s=.{4}/, "s=AAAA"), url.replace(/e=(\d+)/, (_, e) => `e=${Number(e) + 60}`)];
    for (const f of forged) {
      const refused = await fetch(http.baseUrl + f);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toMatch(/link is not valid|expired/i);
    }
    const expired = await fetch(http.baseUrl + signThumbnailPath(url.slice(11, 75), Date.now() - 48 * 3600_000));
    expect(expired.status).toBe(403);
  });

  it("turns pictures upright by their EXIF orientation and never enlarges small ones", async () => {
    const owner = await createTestUser();
    const { headers } = await createTestToken(owner.actor);
    const rotated = await sharp({ create: { width: 200, height: 100, channels: 3, background: "#3366cc" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const node = await createTestFile({ actor: owner.actor, name: "portrait.jpg", content: rotated, mimeType: "image/jpeg" });
    await drainQueue();
    const meta = await sharp(Buffer.from(await (await thumbnailOf(node.id, headers)).arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([100, 200]);
  });

  it("a file that does not decode is recorded as failed once, not retried, and shows no thumbnail", async () => {
    const owner = await createTestUser();
    const { headers } = await createTestToken(owner.actor);
    const node = await createTestFile({ actor: owner.actor, name: "broken.jpg", content: "this is not a jpeg at all", mimeType: "image/jpeg" });
    await drainQueue();
    const blobId = (await t.prisma.fileVersion.findFirstOrThrow({ where: { nodeId: node.id } })).blobId;
    expect(await t.prisma.thumbnail.findUniqueOrThrow({ where: { blobId } })).toMatchObject({ status: "failed" });
    expect(await t.prisma.queuedJob.count({ where: { kind: "thumbnail.make", status: { not: "DONE" } } })).toBe(0);
    expect((await thumbnailOf(node.id, headers)).status).toBe(404);
  });

  it("identical pictures share one thumbnail; non-pictures and SVG get none queued", async () => {
    const a = await createTestUser();
    const b = await createTestUser();
    const bytes = await picture(640, 640);
    await createTestFile({ actor: a.actor, name: "same.png", content: bytes, mimeType: "image/png" });
    await drainQueue();
    const before = await t.prisma.queuedJob.count({ where: { kind: "thumbnail.make" } });
    const copy = await createTestFile({ actor: b.actor, name: "copy.png", content: bytes, mimeType: "image/png" });
    await createTestFile({ actor: b.actor, name: "notes.txt", content: "hello", mimeType: "text/plain" });
    await createTestFile({ actor: b.actor, name: "x.svg", content: "<svg xmlns='http://www.w3.org/2000/svg'/>", mimeType: "image/svg+xml" });
    expect(await t.prisma.queuedJob.count({ where: { kind: "thumbnail.make" } })).toBe(before);
    const { headers } = await createTestToken(b.actor);
    expect((await thumbnailOf(copy.id, headers)).status).toBe(200);
  });

  it("the backfill queues pictures that have no thumbnail", async () => {
    const owner = await createTestUser();
    const node = await createTestFile({ actor: owner.actor, name: "old.png", content: await picture(50, 40), mimeType: "image/png" });
    await drainQueue();
    const blobId = (await t.prisma.fileVersion.findFirstOrThrow({ where: { nodeId: node.id } })).blobId;
    await t.prisma.thumbnail.delete({ where: { blobId } }); // as if made before thumbnails existed
    expect((await backfillThumbnails()).queued).toBeGreaterThanOrEqual(1);
    await drainQueue();
    expect(await t.prisma.thumbnail.findUniqueOrThrow({ where: { blobId } })).toMatchObject({ status: "ready", width: 50, height: 40 });
  });
});
