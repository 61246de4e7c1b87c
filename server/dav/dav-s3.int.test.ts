// WebDAV with STORAGE=s3 (a real S3 endpoint from scripts/with-s3.mjs): PUT streams into multipart
// parts through the tus store, the object becomes the blob, GET (and a range) reads it back, and a
// PUT over the file adds a version.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setBlobStoreForTests } from "@/server/storage/blob-store-factory";
import { S3BlobStore } from "@/server/storage/s3-blob-store";
import { s3EnvFor, testS3Settings } from "@/server/test/s3-env";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import type { Actor } from "@/server/auth/actor";

const MiB = 1024 * 1024;
const SKIP = "TEST_S3_ENDPOINT is unset; run under `node scripts/with-s3.mjs …` for a throwaway Ceph RGW";
const settings = testS3Settings();
const t = settings ? useTestDatabase({ env: s3EnvFor(settings, { S3_PART_SIZE: "8MiB", S3_UPLOAD_CONCURRENCY: "4" }) }) : null!;
let http: HttpHarness;
let s3: S3BlobStore;
let actor: Actor;
let auth: Record<string, string>;
beforeAll(async () => {
  if (!settings) return void console.warn(`skipped: WebDAV on S3: ${SKIP}`);
  s3 = new S3BlobStore(settings);
  setBlobStoreForTests(s3);
  http = await startHttpHarness();
  ({ actor } = await createTestUser());
  const created = await createTestToken(actor);
  const email = (await t.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } })).email;
  auth = { Authorization: `Basic ${Buffer.from(`${email}:${created.token}`).toString("base64")}` };
});
afterAll(async () => {
  await http?.close();
  s3?.client.destroy();
});
beforeEach((ctx) => {
  if (!settings) ctx.skip(SKIP);
});

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("WebDAV on S3", () => {
  it("PUTs 20 MiB into multipart parts, GETs it and a range back, and versions an overwrite", async () => {
    const body = randomBytes(20 * MiB);
    const put = await fetch(`${http.baseUrl}/dav/big.bin`, { method: "PUT", headers: auth, body });
    expect(put.status).toBe(201);
    expect(put.headers.get("etag")).toBe(`"${sha256(body)}"`);
    const blob = await t.prisma.blob.findFirstOrThrow({ where: { sha256: sha256(body) } });
    expect(blob.backend).toBe("s3");
    expect((await s3.head(blob.storageKey))?.size).toBe(body.length);

    const got = Buffer.from(await (await fetch(`${http.baseUrl}/dav/big.bin`, { headers: auth })).arrayBuffer());
    expect(sha256(got)).toBe(sha256(body));
    const part = await fetch(`${http.baseUrl}/dav/big.bin`, { headers: { ...auth, Range: "bytes=9000000-9000099" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(9_000_000, 9_000_100))).toBe(true);

    expect((await fetch(`${http.baseUrl}/dav/big.bin`, { method: "PUT", headers: auth, body: "small now" })).status).toBe(204);
    const file = (await callerFor(actor).drive.list({})).items.find((n) => n.name === "big.bin")!;
    expect(await callerFor(actor).drive.versions({ nodeId: file.id })).toHaveLength(2);
  });
});
