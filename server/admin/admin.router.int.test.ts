import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";

useTestDatabase();

test("dedup savings are visible to admins only", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const a = await createTestUser();
  const b = await createTestUser();
  const content = randomBytes(64_000);
  await createTestFile({ actor: a.actor, name: "x.bin", content });
  await createTestFile({ actor: b.actor, name: "y.bin", content });
  const stats = await callerFor(admin.actor).admin.storageStats();
  expect(stats.savedByDedupBytes).toBeGreaterThanOrEqual(64_000);
  expect(stats.logicalBytes - stats.physicalBytes).toBe(stats.savedByDedupBytes);
  await expect(callerFor(a.actor).admin.storageStats()).rejects.toMatchObject({ code: "FORBIDDEN" });
  await expect(callerFor(null).admin.storageStats()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});
