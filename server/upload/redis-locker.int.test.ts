import { afterAll, beforeAll, expect, test } from "vitest";
import { startRedis } from "@/server/test/redis-server";
import { RedisLocker } from "@/server/upload/redis-locker";

let redis: Awaited<ReturnType<typeof startRedis>>;
const lockers: RedisLocker[] = [];
const replica = (opts: ConstructorParameters<typeof RedisLocker>[1] = {}) => {
  const l = new RedisLocker(redis.url, opts);
  lockers.push(l);
  return l;
};

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(lockers.map((l) => l.close()));
  await redis.stop();
});

test("two replicas never hold one upload's lock together; the holder is asked to let go", async () => {
  const a = replica();
  const b = replica();
  const events: string[] = [];
  const lockA = a.newLock("upload-1");
  await lockA.lock(new AbortController().signal, () => {
    events.push("A asked to release");
    // What tus does on request: end the stale request, which unlocks.
    setTimeout(() => {
      events.push("A unlocking");
      void lockA.unlock();
    }, 100);
  });
  const lockB = b.newLock("upload-1");
  await lockB.lock(new AbortController().signal, () => {});
  events.push("B locked");
  expect(events).toEqual(["A asked to release", "A unlocking", "B locked"]);
  await lockB.unlock();
});

test("another upload's lock is independent", async () => {
  const a = replica();
  const l1 = a.newLock("upload-x");
  const l2 = a.newLock("upload-y");
  await l1.lock(new AbortController().signal, () => {});
  await l2.lock(new AbortController().signal, () => {});
  await Promise.all([l1.unlock(), l2.unlock()]);
});

test("a crashed holder's lock lapses after its TTL; a waiter that gives up gets a timeout", async () => {
  const dead = new RedisLocker(redis.url, { ttlMs: 600 });
  await dead.newLock("upload-2").lock(new AbortController().signal, () => {});
  // The replica dies holding the lock: its connections drop, nothing unlocks or refreshes it.
  dead.redis.disconnect();
  await dead.close().catch(() => {});

  const impatient = replica({ acquireTimeoutMs: 200 });
  await expect(impatient.newLock("upload-2").lock(new AbortController().signal, () => {})).rejects.toMatchObject({ status_code: 500 });

  const patient = replica();
  const l = patient.newLock("upload-2");
  await l.lock(new AbortController().signal, () => {});
  expect(patient.held.has("upload-2")).toBe(true);
  await l.unlock();
  expect(patient.held.has("upload-2")).toBe(false);
});
