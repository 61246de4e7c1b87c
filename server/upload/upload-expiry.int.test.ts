import { existsSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { Upload } from "@tus/utils";
import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestUser } from "@/server/test/factories";
import { HashingFileStore } from "@/server/upload/hashing-file-store";
import { createUploadSession } from "@/server/upload/upload.service";
import { expireStaleUploads } from "@/server/upload/upload-expiry.service";
import { runJobOnce } from "@/server/jobs/job-runner";

const t = useTestDatabase({ env: { DEFAULT_QUOTA_BYTES: "1MiB", UPLOAD_EXPIRY_HOURS: "1" } });

test("an abandoned upload expires: its bytes are removed and the quota it held is released", async () => {
  const { actor } = await createTestUser();
  const root = (await callerFor(actor).drive.list({})).folder.id;
  const store = new HashingFileStore({ directory: path.join(t.dataDir, "uploads") });
  const id = randomBytes(16).toString("hex");
  await createUploadSession({ actor, uploadId: id, size: 1024 * 1024, metadata: { filename: "big.bin", parentId: root } });
  await store.create(new Upload({ id, size: 1024 * 1024, offset: 0 }));
  await store.write(Readable.from([randomBytes(300_000)]), id, 0);
  expect(existsSync(store.filePath(id))).toBe(true);

  // While it is in flight, it holds the whole quota: a second upload does not fit.
  await expect(createUploadSession({ actor, uploadId: randomBytes(16).toString("hex"), size: 10, metadata: { filename: "x", parentId: root } })).rejects.toMatchObject({
    code: "PAYLOAD_TOO_LARGE",
  });
  // Not yet expired: nothing happens.
  expect(await expireStaleUploads((u) => store.remove(u))).toEqual({ expired: 0, cleaned: 0 });

  const later = new Date(Date.now() + 2 * 3600_000);
  // Two hours on, it is expired, and (the clock being past its expiry too) its record is cleaned.
  expect(await expireStaleUploads((u) => store.remove(u), later)).toEqual({ expired: 1, cleaned: 1 });
  expect(existsSync(store.filePath(id))).toBe(false);
  const session = await t.prisma.uploadSession.findUniqueOrThrow({ where: { id } });
  expect(session).toMatchObject({ status: "ABORTED", reservedBytes: 0n, error: "expired" });
  expect(session.cleanedAt).not.toBeNull();
  expect((await callerFor(actor).upload.unfinished()).map((u) => u.id)).not.toContain(id);
  await createUploadSession({ actor, uploadId: randomBytes(16).toString("hex"), size: 1000, metadata: { filename: "fits.bin", parentId: root } });

  // Nothing is done twice: at the same moment, a second run finds nothing left.
  const muchLater = new Date(Date.now() + 4 * 3600_000);
  expect(await expireStaleUploads((u) => store.remove(u), muchLater)).toEqual({ expired: 1, cleaned: 1 }); // fits.bin, abandoned too
  expect(await expireStaleUploads((u) => store.remove(u), muchLater)).toEqual({ expired: 0, cleaned: 0 });
});

test("a job runs once even when two replicas try at the same moment", async () => {
  let runs = 0;
  const job = { name: `test-${randomBytes(4).toString("hex")}`, everyMs: 60_000, run: async () => ({ n: ++runs }) };
  const results = await Promise.all([runJobOnce(job), runJobOnce(job), runJobOnce(job)]);
  expect(runs).toBe(1);
  expect(results.filter((r) => r !== null)).toEqual([{ n: 1 }]);
  const row = await t.prisma.jobRun.findUniqueOrThrow({ where: { name: job.name } });
  expect(row).toMatchObject({ runs: 1, failures: 0, lastError: null });

  const failing = { name: `fail-${randomBytes(4).toString("hex")}`, everyMs: 60_000, run: async () => Promise.reject(new Error("disk on fire")) };
  await expect(runJobOnce(failing)).rejects.toThrow("disk on fire");
  expect(await t.prisma.jobRun.findUniqueOrThrow({ where: { name: failing.name } })).toMatchObject({ failures: 1, lastError: "disk on fire" });
});
