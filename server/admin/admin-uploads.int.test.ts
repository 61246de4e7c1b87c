// Uploads in flight seen and aborted by an admin, on the embedded default (local disk) and, when
// scripts/with-s3.mjs provides one, on S3 (the tus store's multipart upload is removed).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { s3EnvFor, testS3Settings } from "@/server/test/s3-env";
import { getMetrics } from "@/server/metrics/metrics";

const s3 = testS3Settings();
const t = useTestDatabase({ env: s3 ? s3EnvFor(s3, { S3_PART_SIZE: "5MiB" }) : {} });
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http.close());

test(`an admin lists an upload in flight with its progress and aborts it (${s3 ? "S3" : "local disk"}); the uploader's next request finds it gone and the quota is free`, async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const cai = await createTestUser({ name: "Cai" });
  await callerFor(admin.actor).admin.users.setQuota({ userId: cai.user.id, quotaBytes: 20 * 1024 * 1024 });
  const { headers } = await createTestToken(cai.actor);
  const tus = { ...headers, "Tus-Resumable": "1.0.0" };
  const size = 12 * 1024 * 1024;
  const sent = 6 * 1024 * 1024;
  const bytesBefore = (await getMetrics().uploadedBytes.get()).values[0]?.value ?? 0;
  const created = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { ...tus, "Upload-Length": String(size), "Upload-Metadata": `filename ${Buffer.from("backup.tar").toString("base64")}` },
  });
  expect(created.status).toBe(201);
  const url = new URL(created.headers.get("location")!, http.baseUrl).toString();
  const uploadId = url.split("/").pop()!;
  const patch = await fetch(url, { method: "PATCH", headers: { ...tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }, body: randomBytes(sent) });
  expect(patch.status).toBe(204);
  expect(((await getMetrics().uploadedBytes.get()).values[0]?.value ?? 0) - bytesBefore).toBe(sent);

  const api = callerFor(admin.actor).admin.uploads;
  const list = await api.list();
  expect(list).toContainEqual(expect.objectContaining({ id: uploadId, filename: "backup.tar", size, offset: sent, user: expect.objectContaining({ id: cai.user.id }) }));
  // A second 12 MiB upload would pass the 20 MiB quota while this one holds its reservation.
  const blocked = await fetch(`${http.baseUrl}/api/upload`, { method: "POST", headers: { ...tus, "Upload-Length": String(size), "Upload-Metadata": `filename ${Buffer.from("b").toString("base64")}` } });
  expect(blocked.status).toBe(413);

  await expect(callerFor(cai.actor).admin.uploads.abort({ uploadId })).rejects.toMatchObject({ code: "FORBIDDEN" });
  await api.abort({ uploadId });
  expect(await api.list()).not.toContainEqual(expect.objectContaining({ id: uploadId }));
  expect(await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: uploadId } })).toMatchObject({ status: "ABORTED", reservedBytes: 0n });
  const head = await fetch(url, { method: "HEAD", headers: tus });
  expect([404, 410]).toContain(head.status);
  const resume = await fetch(url, { method: "PATCH", headers: { ...tus, "Upload-Offset": String(sent), "Content-Type": "application/offset+octet-stream" }, body: randomBytes(1024) });
  expect([404, 410]).toContain(resume.status);
  // The quota it held is free again.
  const again = await fetch(`${http.baseUrl}/api/upload`, { method: "POST", headers: { ...tus, "Upload-Length": String(size), "Upload-Metadata": `filename ${Buffer.from("c").toString("base64")}` } });
  expect(again.status).toBe(201);
  await expect(api.abort({ uploadId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  const audit = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: "admin.upload.abort", targetId: uploadId } });
  expect(audit).toMatchObject({ actorId: admin.user.id, data: expect.objectContaining({ filename: "backup.tar", offset: sent }) });
});
