// Share links with STORAGE=s3 and presigned downloads on: a visitor's drop streams into S3 like any
// tus upload, and a link download streams through the app (never a presigned URL, which would be a
// second door left open after the link is revoked), while the owner's own download redirects.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setBlobStoreForTests } from "@/server/storage/blob-store-factory";
import { S3BlobStore } from "@/server/storage/s3-blob-store";
import { s3EnvFor, testS3Settings } from "@/server/test/s3-env";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

const SKIP = "TEST_S3_ENDPOINT is unset; run under `node scripts/with-s3.mjs …` for a throwaway Ceph RGW";
const settings = testS3Settings();
const t = settings ? useTestDatabase({ env: s3EnvFor(settings, { S3_PRESIGNED_DOWNLOADS: "true" }) }) : null!;

let http: HttpHarness;
let s3: S3BlobStore;
beforeAll(async () => {
  if (!settings) return void console.warn(`skipped: share links on S3: ${SKIP}`);
  s3 = new S3BlobStore(settings);
  setBlobStoreForTests(s3);
  http = await startHttpHarness();
});
afterAll(async () => {
  await http?.close();
  s3?.client.destroy();
});
beforeEach((ctx) => {
  if (!settings) ctx.skip(SKIP);
});

const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("share links on S3", () => {
  it("takes a drop into S3 and serves it through the link without a presigned redirect", async () => {
    const owner = await createTestUser();
    const folder = await callerFor(owner.actor).drive.createFolder({ name: "Inbox" });
    const { token } = await callerFor(owner.actor).share.createLink({ nodeId: folder.id, permission: "DOWNLOAD_UPLOAD" });
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const post = await fetch(`${http.baseUrl}/api/upload`, {
      method: "POST",
      headers: { ...TUS, "X-Yunpan-Share": token, "Upload-Length": String(bytes.length), "Upload-Metadata": `filename ${b64("drop.bin")}` },
    });
    expect(post.status).toBe(201);
    const patch = await fetch(new URL(post.headers.get("location")!, http.baseUrl), {
      method: "PATCH",
      headers: { ...TUS, "X-Yunpan-Share": token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: bytes,
    });
    expect(patch.status).toBe(204);
    const node = await t.prisma.node.findFirstOrThrow({ where: { parentId: folder.id, name: "drop.bin" }, include: { currentVersion: { include: { blob: true } } } });
    expect(node.currentVersion!.blob.backend).toBe("s3");

    const viaLink = await fetch(`${http.baseUrl}/api/s/${token}/files/${node.id}/content`, { redirect: "manual" });
    expect(viaLink.status).toBe(200);
    expect(Buffer.from(await viaLink.arrayBuffer()).equals(bytes)).toBe(true);

    const { headers } = await createTestToken(owner.actor);
    const own = await fetch(`${http.baseUrl}/api/files/${node.id}/content`, { headers, redirect: "manual" });
    expect(own.status).toBe(302);
  });
});
