import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser, TEST_PASSWORD } from "@/server/test/factories";
import { createTestSessionCookie, createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { createContext } from "@/server/trpc/init";
import { createCaller } from "@/server/runtime/trpc-router";
import { verifyCredentials } from "@/server/auth/auth.service";
import { createUploadSession } from "@/server/upload/upload.service";
import { drainQueue } from "@/server/jobs/queue";
import "@/server/runtime/job-handlers";

const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http.close());

const sessionCookie = createTestSessionCookie;

async function meVia(headers: Record<string, string>) {
  // As Node hands them over: header names in lower case.
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return createCaller(await createContext(lower)).auth.me();
}

test("disable ends the user's open session and API token on their next request; enable lets them sign in again", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const ann = await createTestUser({ name: "Ann" });
  const file = await createTestFile({ actor: ann.actor, name: "a.txt", content: "hello" });
  const cookie = await sessionCookie(ann.user.id);
  const { headers: bearer } = await createTestToken(ann.actor);
  const url = `${http.baseUrl}/api/files/${file.id}/content`;

  expect((await fetch(url, { headers: { cookie } })).status).toBe(200);
  expect((await fetch(url, { headers: bearer })).status).toBe(200);
  await expect(meVia({ cookie })).resolves.toMatchObject({ id: ann.user.id });
  await expect(meVia(bearer)).resolves.toMatchObject({ id: ann.user.id });

  await callerFor(admin.actor).admin.users.disable({ userId: ann.user.id });

  expect((await fetch(url, { headers: { cookie } })).status).toBe(401);
  expect((await fetch(url, { headers: bearer })).status).toBe(401);
  await expect(meVia({ cookie })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  await expect(meVia(bearer)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  await expect(verifyCredentials({ email: ann.user.email, password: TEST_PASSWORD })).rejects.toMatchObject({ code: "FORBIDDEN" });

  await callerFor(admin.actor).admin.users.enable({ userId: ann.user.id });
  // The old session stays ended (its version is stale); a new sign-in and the token work again.
  expect((await fetch(url, { headers: { cookie } })).status).toBe(401);
  await expect(verifyCredentials({ email: ann.user.email, password: TEST_PASSWORD })).resolves.toMatchObject({ id: ann.user.id });
  expect((await fetch(url, { headers: { cookie: await sessionCookie(ann.user.id) } })).status).toBe(200);
  expect((await fetch(url, { headers: bearer })).status).toBe(200);

  const actions = (await t.prisma.auditEvent.findMany({ where: { targetId: ann.user.id, action: { startsWith: "admin." } } })).map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(["admin.user.disable", "admin.user.enable"]));
});

test("an admin cannot disable or delete themselves, nor leave the server without an admin", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  await expect(callerFor(admin.actor).admin.users.disable({ userId: admin.user.id })).rejects.toMatchObject({ code: "CONFLICT" });
  await expect(callerFor(admin.actor).admin.users.delete({ userId: admin.user.id, confirmEmail: admin.user.email })).rejects.toMatchObject({ code: "CONFLICT" });
  // Demoting every other admin leaves this one; demoting it then is refused.
  const others = await t.prisma.user.findMany({ where: { role: "ADMIN", id: { not: admin.user.id } } });
  for (const o of others) await t.prisma.user.update({ where: { id: o.id }, data: { role: "USER" } });
  await expect(callerFor(admin.actor).admin.users.setRole({ userId: admin.user.id, role: "USER" })).rejects.toMatchObject({ code: "CONFLICT" });
  for (const o of others) await t.prisma.user.update({ where: { id: o.id }, data: { role: "ADMIN" } });
});

test("a quota set by the admin refuses the user's next too-large upload with the message", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const bob = await createTestUser();
  await createTestFile({ actor: bob.actor, name: "small.bin", content: randomBytes(1000) });
  const updated = await callerFor(admin.actor).admin.users.setQuota({ userId: bob.user.id, quotaBytes: 5000 });
  expect(updated).toMatchObject({ quotaBytes: 5000, effectiveQuotaBytes: 5000, usedBytes: 1000 });
  await expect(
    createUploadSession({ actor: bob.actor, uploadId: randomBytes(16).toString("hex"), size: 4001, metadata: { filename: "big.bin", parentId: null } }),
  ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: expect.stringMatching(/quota|space/i) });
  const list = await callerFor(admin.actor).admin.users.list({ search: bob.user.email });
  expect(list.items).toEqual([expect.objectContaining({ id: bob.user.id, quotaBytes: 5000, files: 1 })]);
  const event = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: "admin.user.setQuota", targetId: bob.user.id } });
  expect(event).toMatchObject({ actorId: admin.user.id, data: expect.objectContaining({ to: 5000 }) });
});

test("reset password: a new one-time password works, the old one and the old session do not", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const cy = await createTestUser();
  const cookie = await sessionCookie(cy.user.id);
  const { password } = await callerFor(admin.actor).admin.users.resetPassword({ userId: cy.user.id });
  expect(password.length).toBeGreaterThanOrEqual(12);
  await expect(verifyCredentials({ email: cy.user.email, password: TEST_PASSWORD })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  await expect(verifyCredentials({ email: cy.user.email, password })).resolves.toMatchObject({ id: cy.user.id });
  await expect(meVia({ cookie })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("delete: typed confirmation, account off at once, a queued job removes its data and releases blobs", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const dee = await createTestUser();
  const keeper = await createTestUser();
  const shared = randomBytes(3000);
  await createTestFile({ actor: dee.actor, name: "mine.bin", content: randomBytes(2000) });
  await createTestFile({ actor: dee.actor, name: "dup.bin", content: shared });
  await createTestFile({ actor: keeper.actor, name: "dup.bin", content: shared });
  const { headers: bearer } = await createTestToken(dee.actor);
  const uploadId = randomBytes(16).toString("hex");
  await createUploadSession({ actor: dee.actor, uploadId, size: 100, metadata: { filename: "half.bin", parentId: null } });

  await expect(callerFor(admin.actor).admin.users.delete({ userId: dee.user.id, confirmEmail: "wrong@example.com" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  const { jobId } = await callerFor(admin.actor).admin.users.delete({ userId: dee.user.id, confirmEmail: dee.user.email.toUpperCase() });
  expect(jobId).toEqual(expect.any(String));
  // Off at once, before the job ran.
  await expect(meVia(bearer)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  await expect(verifyCredentials({ email: dee.user.email, password: TEST_PASSWORD })).rejects.toBeDefined();
  await expect(callerFor(admin.actor).admin.users.enable({ userId: dee.user.id })).rejects.toMatchObject({ code: "CONFLICT" });

  await drainQueue();
  const job = await t.prisma.queuedJob.findUniqueOrThrow({ where: { id: jobId! } });
  expect(job).toMatchObject({ status: "DONE", kind: "user.delete" });
  expect(await t.prisma.user.findUnique({ where: { id: dee.user.id } })).toBeNull();
  expect(await t.prisma.node.count({ where: { ownerId: dee.user.id } })).toBe(0);
  expect(await t.prisma.uploadSession.count({ where: { id: uploadId } })).toBe(0);
  // The shared content keeps one reference (the keeper's); the other blob has none, for the GC.
  const blobs = await t.prisma.blob.findMany({ where: { size: { in: [2000n, 3000n] } } });
  expect(blobs.find((b) => b.size === 3000n)?.refCount).toBe(1);
  expect(blobs.find((b) => b.size === 2000n)?.refCount).toBe(0);
  const audit = (await t.prisma.auditEvent.findMany({ where: { targetId: dee.user.id } })).map((e) => e.action);
  expect(audit).toEqual(expect.arrayContaining(["admin.user.delete", "admin.user.deleted"]));
});
