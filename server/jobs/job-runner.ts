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

/** Runs every job on its period, in this process, until stopped. */
export function startJobs(jobs: Job[]): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  for (const job of jobs) {
    registerJobKindMetrics(job.name, PERIODIC_OUTCOMES);
    const tick = () => void runJobOnce(job).catch(() => {});
    // A first run soon after start (staggered), then on the period; the lease spaces replicas out.
    timers.push(setTimeout(tick, 15_000 + Math.random() * 15_000));
    timers.push(setInterval(tick, Math.min(job.everyMs, 5 * 60_000)));
  }
  for (const t of timers) t.unref();
  return { stop: () => timers.forEach((t) => clearTimeout(t)) };
}
