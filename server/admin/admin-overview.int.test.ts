import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { enqueueJob, drainQueue, registerJobHandler } from "@/server/jobs/queue";

useTestDatabase();

test("overview, charts and system show what is stored, today's uploads, the queue's failures and masked secrets", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const ann = await createTestUser();
  const shared = randomBytes(10_000);
  await createTestFile({ actor: ann.actor, name: "a.bin", content: shared });
  await createTestFile({ actor: admin.actor, name: "b.bin", content: shared });
  await createTestFile({ actor: ann.actor, name: "c.bin", content: randomBytes(5_000) });
  const api = callerFor(admin.actor).admin;

  const o = await api.overview();
  expect(o).toMatchObject({ files: 3, activeUploads: 0, liveLinks: 0, savedByDedupBytes: 10_000, database: { ok: true }, storage: { ok: true, backend: expect.any(String) } });
  expect(o.logicalBytes).toBe(25_000);

  const charts = await api.charts({ days: 30 });
  expect(charts.days).toHaveLength(30);
  const today = charts.days.at(-1)!;
  expect(today).toMatchObject({ day: new Date().toISOString().slice(0, 10), uploads: 3, bytes: 25_000, storedBytes: 25_000 });
  expect(charts.days.slice(0, -1).every((d) => d.uploads === 0)).toBe(true);
  expect(charts.topUsers[0]).toMatchObject({ id: ann.user.id, usedBytes: 15_000 });

  registerJobHandler("test.always-fails", async () => {
    throw new Error("disk on fire");
  });
  await enqueueJob("test.always-fails", {}, { maxAttempts: 1 });
  await drainQueue();
  process.env.AUTH_SECRET = "a-very-secret-value-that-must-not-show-0123";
  try {
    const system = await api.system();
    expect(system.queue.failures[0]).toMatchObject({ kind: "test.always-fails", lastError: "disk on fire" });
    expect(system.queue.counts).toContainEqual({ kind: "test.always-fails", status: "FAILED", count: 1 });
    expect(system.config.find((c) => c.name === "AUTH_SECRET")).toEqual({ name: "AUTH_SECRET", set: true, value: "••••••••" });
    expect(JSON.stringify(system)).not.toContain("a-very-secret-value");
    expect(system.version).toMatch(/^\d+\.\d+\.\d+/);
  } finally {
    delete process.env.AUTH_SECRET;
  }
});
