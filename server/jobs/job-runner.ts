import { getPrisma } from "@/server/db/client";
import { logger } from "@/server/log/logger";
import type { Prisma } from "@/server/db/generated/client.ts";
import { getMetrics, PERIODIC_OUTCOMES, registerJobKindMetrics } from "@/server/metrics/metrics";
import { withSpan } from "@/server/tracing/spans";

export interface Job {
  name: string;
  everyMs: number;
  /** Returns a small summary for the System page (what it did). */
  run(): Promise<Prisma.InputJsonValue>;
}

/**
 * Takes the job's lease for `ms` when nobody holds it. The conditional UPDATE is atomic, so with
 * several replicas on one PostgreSQL exactly one of them runs each job at a time.
 */
async function takeLease(name: string, ms: number): Promise<boolean> {
  const prisma = await getPrisma();
  // INSERT … ON CONFLICT DO NOTHING: replicas starting together must not trip over the new row.
  await prisma.jobRun.createMany({ data: [{ name, leaseUntil: new Date(0) }], skipDuplicates: true });
  const now = new Date();
  const { count } = await prisma.jobRun.updateMany({
    where: { name, leaseUntil: { lt: now } },
    data: { leaseUntil: new Date(now.getTime() + ms), lastStartedAt: now },
  });
  return count === 1;
}

/** Runs a job now if its lease is free; records the outcome. Returns null when another replica holds it. */
export async function runJobOnce(job: Job): Promise<Prisma.InputJsonValue | null> {
  if (!(await takeLease(job.name, Math.max(job.everyMs, 60_000)))) return null;
  const prisma = await getPrisma();
  try {
    const result = await withSpan(`job ${job.name}`, { root: true, attributes: { "job.name": job.name } }, () => job.run());
    getMetrics().jobs.inc({ kind: job.name, outcome: "ok" });
    await prisma.jobRun.update({
      where: { name: job.name },
      data: { lastFinishedAt: new Date(), lastError: null, lastResult: result, runs: { increment: 1 }, leaseUntil: new Date(Date.now() + job.everyMs) },
    });
    return result;
  } catch (e) {
    logger.error({ err: e, job: job.name }, "job failed");
    getMetrics().jobs.inc({ kind: job.name, outcome: "error" });
    // A failed run releases its lease early so the next attempt comes soon (a minute), not a full period later.
    await prisma.jobRun.update({
      where: { name: job.name },
      data: { lastFinishedAt: new Date(), lastError: String((e as Error).message ?? e).slice(0, 2000), failures: { increment: 1 }, leaseUntil: new Date(Date.now() + 60_000) },
    });
    throw e;
  }
}

/** When each job's lease ends (null: never run here or anywhere), one read for all of them. */
async function leaseEnds(names: string[]): Promise<Map<string, number>> {
  const prisma = await getPrisma();
  const rows = await prisma.jobRun.findMany({ where: { name: { in: names } }, select: { name: true, leaseUntil: true } });
  return new Map(rows.map((r) => [r.name, r.leaseUntil.getTime()]));
}

/**
 * Runs every job on its period, in this process, until stopped. Each job sleeps until its lease
 * ends (the lease says when this or another replica last ran it), so a tick is a run, not a
 * failed attempt: an idle server used to try each job's lease (two writes) every 5 minutes, and a
 * fresh process all seven within its first 30 s. Sleeps are capped at the period; the jitter
 * spreads replicas.
 */
export function startJobs(jobs: Job[]): { stop(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  const jitter = () => Math.random() * 5_000;
  const schedule = (job: Job, at: number) => {
    if (stopped) return;
    const delay = Math.min(Math.max(0, at - Date.now()), job.everyMs) + jitter();
    const timer = setTimeout(() => void attempt(job), delay);
    timer.unref();
    timers.set(job.name, timer);
  };
  const attempt = async (job: Job) => {
    let next = Date.now() + job.everyMs;
    try {
      // null: another replica holds the lease; sleep until it ends.
      if ((await runJobOnce(job)) === null) next = (await leaseEnds([job.name])).get(job.name) ?? next;
    } catch {
      // A failed run (or an unreachable database) tries again in a minute, as its lease says.
      next = Date.now() + 60_000;
    }
    schedule(job, next);
  };
  for (const job of jobs) registerJobKindMetrics(job.name, PERIODIC_OUTCOMES);
  // The first look soon after start (staggered): jobs whose lease has ended run then.
  const first = setTimeout(
    () =>
      void leaseEnds(jobs.map((j) => j.name))
        .catch(() => new Map<string, number>())
        .then((ends) => jobs.forEach((job) => schedule(job, ends.get(job.name) ?? 0))),
    15_000 + Math.random() * 15_000,
  );
  first.unref();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(first);
      timers.forEach((t) => clearTimeout(t));
    },
  };
}
