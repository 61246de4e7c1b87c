import { afterAll, beforeAll, expect, test } from "vitest";
import { startRedis } from "@/server/test/redis-server";
import { useTestDatabase, setTestEnv } from "@/server/test/test-db";
import { assertUnderLimit, countAttempt } from "@/server/security/rate-limit";

// With REDIS_URL the counts live in Redis, so two replicas share one budget.
useTestDatabase();
let redis: Awaited<ReturnType<typeof startRedis>>;
beforeAll(async () => {
  redis = await startRedis();
  setTestEnv({ REDIS_URL: redis.url });
});
afterAll(async () => {
  await redis?.stop();
});

const forgetLimiters = () => delete (globalThis as Record<symbol, unknown>)[Symbol.for("yunpan.rateLimiters")];

test("attempts counted on one replica count on the other; past the limit: 429 with Retry-After", async () => {
  const key = `user-${Date.now()}`;
  for (let i = 0; i < 5; i++) await countAttempt("instantUploadProof", key); // replica A
  forgetLimiters(); // replica B: fresh limiters, same Redis
  for (let i = 0; i < 4; i++) await countAttempt("instantUploadProof", key);
  await assertUnderLimit("instantUploadProof", key); // 9 of 10
  await expect(countAttempt("instantUploadProof", key).then(() => assertUnderLimit("instantUploadProof", key))).rejects.toMatchObject({
    code: "TOO_MANY_REQUESTS",
  });
  const err = await assertUnderLimit("instantUploadProof", key).catch((e: { retryAfterSeconds?: number; message: string }) => e);
  expect((err as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
  expect((err as { message: string }).message).toMatch(/^Too many attempts\. Try again in \d+ seconds\.$/);
});
