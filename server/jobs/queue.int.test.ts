import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { backoffMs, drainQueue, enqueueJob, queueState, registerBatchJobHandler, registerJobHandler, runQueueOnce, startQueueWorker } from "@/server/jobs/queue";
import { PgChangeBus } from "@/server/events/pg-change-bus";

const t = useTestDatabase();

describe("work queue", () => {
  it("runs a job once and records its result", async () => {
    const seen: unknown[] = [];
    registerJobHandler("test.echo", async (p) => {
      seen.push(p);
      return { ok: true };
    });
    const id = await enqueueJob("test.echo", { n: 1 });
    expect(await drainQueue()).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
    const row = await t.prisma.queuedJob.findUniqueOrThrow({ where: { id: id! } });
    expect(row.status).toBe("DONE");
    expect(row.result).toEqual({ ok: true });
    expect(await runQueueOnce()).toBe(0);
  });

  it("retries a failing job with backoff, then marks it failed for the System page", async () => {
    let calls = 0;
    registerJobHandler("test.flaky", async () => {
      calls++;
      throw new Error("smtp refused");
    });
    const id = (await enqueueJob("test.flaky", {}, { maxAttempts: 2 }))!;
    await runQueueOnce();
    let row = await t.prisma.queuedJob.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("QUEUED");
    expect(row.lastError).toBe("smtp refused");
    expect(row.runAt.getTime()).toBeGreaterThan(Date.now() + 5_000); // not due again yet
    expect(await runQueueOnce()).toBe(0);
    await t.prisma.queuedJob.update({ where: { id }, data: { runAt: new Date() } });
    await runQueueOnce();
    row = await t.prisma.queuedJob.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("FAILED");
    expect(calls).toBe(2);
    const state = await queueState();
    expect(state.failures.map((f) => f.id)).toContain(id);
    expect(backoffMs(1)).toBeLessThan(backoffMs(2));
  });

  it("a queued dedupe key batches; once claimed, a new job may queue", async () => {
    let runs = 0;
    registerJobHandler("test.batch", async () => {
      runs++;
    });
    const a = await enqueueJob("test.batch", {}, { dedupeKey: "k1" });
    const b = await enqueueJob("test.batch", {}, { dedupeKey: "k1" });
    expect(a).not.toBeNull();
    expect(b).toBeNull();
    await drainQueue();
    expect(runs).toBe(1);
    expect(await enqueueJob("test.batch", {}, { dedupeKey: "k1" })).not.toBeNull();
  });

  it("a job whose worker died is claimed again after its lease lapses", async () => {
    let runs = 0;
    registerJobHandler("test.crash", async () => {
      runs++;
    });
    const id = (await enqueueJob("test.crash", {}))!;
    // As if a worker claimed it and was killed: RUNNING with an expired lease.
    await t.prisma.queuedJob.update({ where: { id }, data: { status: "RUNNING", attempts: 1, lockedUntil: new Date(Date.now() - 1000) } });
    await drainQueue();
    expect(runs).toBe(1);
    expect((await t.prisma.queuedJob.findUniqueOrThrow({ where: { id } })).status).toBe("DONE");
  });

  it("two workers claiming together never run a job twice", async () => {
    const ran: string[] = [];
    registerJobHandler("test.once", async (p: { i: number }) => {
      ran.push(String(p.i));
    });
    for (let i = 0; i < 30; i++) await enqueueJob("test.once", { i });
    await Promise.all([drainQueue(), drainQueue(), drainQueue()]);
    expect(ran.sort()).toEqual(Array.from({ length: 30 }, (_, i) => String(i)).sort());
  });

  it("a batch handler takes the due jobs of its kind together, and each job succeeds or fails on its own", async () => {
    const batches: number[][] = [];
    registerBatchJobHandler("test.batched", { max: 4 }, async (jobs: { payload: { i: number } }[]) => {
      batches.push(jobs.map((j) => j.payload.i));
      return jobs.map((j) => (j.payload.i === 2 ? new Error("cannot read file 2") : { i: j.payload.i }));
    });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await enqueueJob("test.batched", { i }, { maxAttempts: 1 }))!);
    // One claimed job brings the other due jobs of its kind along, up to the batch size.
    expect(await runQueueOnce(1)).toBe(4);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(4);
    await drainQueue();
    expect(batches.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const rows = await t.prisma.queuedJob.findMany({ where: { id: { in: ids } } });
    const byI = new Map(rows.map((r) => [(r.payload as { i: number }).i, r]));
    expect(byI.get(2)).toMatchObject({ status: "FAILED", lastError: "cannot read file 2" });
    for (const i of [0, 1, 3, 4, 5]) expect(byI.get(i)).toMatchObject({ status: "DONE", result: { i }, lastError: null });
  });

  it("a batch handler that throws retries every job of its batch", async () => {
    let calls = 0;
    registerBatchJobHandler("test.batchdown", { max: 8 }, async () => {
      calls++;
      throw new Error("database gone");
    });
    const ids = [(await enqueueJob("test.batchdown", { n: 1 }))!, (await enqueueJob("test.batchdown", { n: 2 }))!];
    expect(await runQueueOnce(1)).toBe(2);
    expect(calls).toBe(1);
    const rows = await t.prisma.queuedJob.findMany({ where: { id: { in: ids } } });
    expect(rows.map((r) => [r.status, r.attempts, r.lastError])).toEqual([
      ["QUEUED", 1, "database gone"],
      ["QUEUED", 1, "database gone"],
    ]);
  });

  it("workers claiming batches together never run a job twice", async () => {
    const ran: number[] = [];
    registerBatchJobHandler("test.batchonce", { max: 4 }, async (jobs: { payload: { i: number } }[]) => {
      ran.push(...jobs.map((j) => j.payload.i));
      return jobs.map(() => undefined);
    });
    for (let i = 0; i < 30; i++) await enqueueJob("test.batchonce", { i });
    await Promise.all([drainQueue(), drainQueue(), drainQueue()]);
    expect(ran.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(await t.prisma.queuedJob.count({ where: { kind: "test.batchonce", status: "DONE" } })).toBe(30);
  });
});

describe("queue worker", () => {
  const until = async (what: string, check: () => Promise<boolean>, ms = 5000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const isDone = (id: string) => async () => (await t.prisma.queuedJob.findUniqueOrThrow({ where: { id } })).status === "DONE";
  // The safety poll is far beyond every wait below: only an announcement or a due time can start a job.
  const NO_POLL = 10 * 60_000;

  it("runs an announced job at once, one queued for later at its time, and one enqueued in a transaction after the commit", async () => {
    await drainQueue();
    registerJobHandler("test.worker", async () => {});
    const worker = startQueueWorker({ safetyPollMs: NO_POLL });
    try {
      // Past the worker's first look at the queue (1 s after start), so only announcements wake it.
      await new Promise((r) => setTimeout(r, 1500));
      const now = (await enqueueJob("test.worker", { n: 1 }))!;
      // Well inside the 2 s the worker used to poll at.
      await until("the announced job", isDone(now), 800);

      const later = (await enqueueJob("test.worker", { n: 2 }, { runAt: new Date(Date.now() + 1500) }))!;
      await new Promise((r) => setTimeout(r, 500));
      expect(await isDone(later)()).toBe(false);
      await until("the job queued for later", isDone(later), 1800);

      let inTx = "";
      await t.prisma.$transaction(async (tx) => {
        inTx = (await enqueueJob("test.worker", { n: 3 }, {}, tx))!;
        // Nothing is announced while the transaction is open.
        await new Promise((r) => setTimeout(r, 300));
      });
      await until("the job enqueued in a transaction", isDone(inTx), 800);
    } finally {
      await worker.stop();
    }
  });

  it.skipIf(!process.env.TEST_POSTGRES_URL)("a job enqueued by one instance starts on another at once (its own LISTEN connection)", async () => {
    await drainQueue();
    registerJobHandler("test.elsewhere", async () => {});
    const other = new PgChangeBus(t.db.url!);
    await other.ready();
    const worker = startQueueWorker({ safetyPollMs: NO_POLL, bus: other });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      // Enqueued through this process's bus; the worker hears only its own connection.
      const id = (await enqueueJob("test.elsewhere", {}))!;
      await until("the job on the other instance", isDone(id), 800);
    } finally {
      await worker.stop();
      await other.close();
    }
  });
});
