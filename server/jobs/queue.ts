import { getPrisma, onTransactionCommitted, type PrismaClient } from "@/server/db/client";
import { getChangeBus, type ChangeBus } from "@/server/events/change-bus";
import { logger } from "@/server/log/logger";
import { Prisma } from "@/server/db/generated/client.ts";
import { getMetrics, QUEUE_OUTCOMES, registerJobKindMetrics } from "@/server/metrics/metrics";
import { currentTraceparent, linksFrom, withSpan } from "@/server/tracing/spans";


// The work queue: rows in QueuedJob, claimed with FOR UPDATE SKIP LOCKED so any number of replicas
// (or the one embedded process) share it without handing a job to two workers. A claimed job holds
// a lease; a worker that dies mid-job lets the lease lapse and the job is claimed again. We use our
// own table rather than pg-boss/graphile-worker because those need a connection pool of their own,
// which PGlite (one in-process connection) cannot give; one queue then serves both modes.

export type JobPayload = Prisma.InputJsonValue;
export type JobHandler = (payload: any, job: { id: string; attempts: number }) => Promise<Prisma.InputJsonValue | void>; // eslint-disable-line @typescript-eslint/no-explicit-any
/**
 * Runs several claimed jobs of one kind together. Answers one entry per job, in order: its result,
 * or the Error that fails (or retries) that job alone. A throw fails every job of the batch.
 */
export type BatchJobHandler = (jobs: { id: string; attempts: number; payload: any }[]) => Promise<(Prisma.InputJsonValue | void | Error)[]>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface EnqueueOptions {
  /** Run no earlier than this. */
  runAt?: Date;
  /** While a job with this key is still queued, enqueueing another is a no-op (batching). */
  dedupeKey?: string;
  maxAttempts?: number;
}

const LEASE_MS = 5 * 60_000;
const handlers = new Map<string, JobHandler>();
const batchHandlers = new Map<string, { handler: BatchJobHandler; max: number }>();
/**
 * Every enqueue is announced on the change bus's `jobs` topic (payload: the job's runAt in epoch
 * ms), to every replica, once its row is visible: after the commit of the caller's transaction.
 * Workers wait on it instead of polling, so an idle server reads the queue once a minute.
 */
export const JOBS_TOPIC = "jobs";

const ENQUEUED = Symbol.for("yunpan.jobs.enqueuedIn");
type G = typeof globalThis & { [ENQUEUED]?: WeakMap<object, number> };
const enqueuedIn = () => ((globalThis as G)[ENQUEUED] ??= new WeakMap());

const HOOK = Symbol.for("yunpan.jobs.commitHook");
type H = typeof globalThis & { [HOOK]?: true };

const inFlight = new Set<Promise<void>>();

function announce(runAtMs: number) {
  const sent = getChangeBus()
    .publishTopic(JOBS_TOPIC, String(runAtMs))
    .catch((e: Error) => logger.warn({ err: e }, "job announcement failed (workers find the job on their next poll)"))
    .finally(() => inFlight.delete(sent));
  inFlight.add(sent);
}

/** Resolves once every announcement made so far is sent: a short-lived process (the CLI) awaits it before it exits. */
export async function flushJobAnnouncements(): Promise<void> {
  await Promise.all([...inFlight]);
}

function ensureCommitHook() {
  const g = globalThis as H;
  if (g[HOOK]) return;
  g[HOOK] = true;
  onTransactionCommitted((tx) => {
    const runAt = enqueuedIn().get(tx);
    if (runAt === undefined) return;
    enqueuedIn().delete(tx);
    announce(runAt);
  });
}

/** Registers the function that runs jobs of `kind` (once per kind, at module load). */
export function registerJobHandler(kind: string, handler: JobHandler): void {
  handlers.set(kind, handler);
  batchHandlers.delete(kind);
  registerJobKindMetrics(kind, QUEUE_OUTCOMES);
}

/**
 * Registers a handler that takes up to `max` due jobs of `kind` at once (jobs whose work is
 * cheaper together, such as indexing files side by side). Each job still succeeds or fails alone.
 */
export function registerBatchJobHandler(kind: string, options: { max: number }, handler: BatchJobHandler): void {
  batchHandlers.set(kind, { handler, max: Math.max(1, options.max) });
  handlers.delete(kind);
  registerJobKindMetrics(kind, QUEUE_OUTCOMES);
}

/**
 * Adds a job. Pass `db` (a transaction client) to enqueue atomically with the change that causes
 * it: the job then exists exactly when the change committed. Returns the job id, or null when a
 * queued job with the same dedupeKey already covers it.
 */
export async function enqueueJob(kind: string, payload: JobPayload, options: EnqueueOptions = {}, db?: PrismaClient | Prisma.TransactionClient): Promise<string | null> {
  const root = await getPrisma();
  const client = db ?? root;
  const rows = await client.queuedJob.createManyAndReturn({
    // The queuing request's trace: the job's own trace links to it (traceparent, null when untraced).
    data: [{ kind, payload, runAt: options.runAt ?? new Date(), dedupeKey: options.dedupeKey ?? null, maxAttempts: options.maxAttempts ?? 5, traceparent: currentTraceparent() }],
    skipDuplicates: true,
    select: { id: true },
  });
  if (rows.length) {
    const runAt = (options.runAt ?? new Date()).getTime();
    // Anything but the root client is a transaction: announce when it commits (a rolled-back job never is).
    if (client !== root) {
      ensureCommitHook();
      const earlier = enqueuedIn().get(client);
      enqueuedIn().set(client, earlier === undefined ? runAt : Math.min(earlier, runAt));
    } else announce(runAt);
  }
  return rows[0]?.id ?? null;
}

/** Retry delay after the n-th failed attempt: 10 s, 40 s, 2.7 min, 10.7 min… capped at 1 hour. */
export function backoffMs(attempts: number): number {
  return Math.min(60 * 60_000, 10_000 * 4 ** Math.max(0, attempts - 1));
}

interface Claimed {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  traceparent: string | null;
}

/**
 * When the queue next needs a worker: the earliest queued job's runAt or running job's lease end
 * (a lapsed lease means a dead worker), or null for an empty queue: one read, two lookups on the
 * (status, runAt) index, and no write (a claim is two UPDATEs), so an idle worker writes nothing.
 */
async function nextDueAt(): Promise<number | null> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ queued: Date | null; lease: Date | null }[]>`
    SELECT (SELECT min("runAt") FROM "QueuedJob" WHERE status = 'QUEUED') AS queued,
           (SELECT min("lockedUntil") FROM "QueuedJob" WHERE status = 'RUNNING') AS lease`;
  const times = [rows[0]?.queued, rows[0]?.lease].filter((d): d is Date => d instanceof Date).map((d) => d.getTime());
  return times.length ? Math.min(...times) : null;
}

/** Claims up to `limit` due jobs (of one `kind` when given), atomically: SKIP LOCKED hands a job to one claimer only. */
async function claim(limit: number, kind?: string): Promise<Claimed[]> {
  const prisma = await getPrisma();
  const now = new Date();
  // A lapsed lease means its worker died: the job goes back in line (its attempt already counted).
  await prisma.queuedJob.updateMany({
    where: { status: "RUNNING", lockedUntil: { lt: now } },
    data: { status: "QUEUED", lockedUntil: null, lastError: "the worker stopped before finishing" },
  });
  return prisma.$queryRaw<Claimed[]>`
    UPDATE "QueuedJob" SET status = 'RUNNING', attempts = attempts + 1, "dedupeKey" = NULL,
           "lockedUntil" = ${new Date(now.getTime() + LEASE_MS)}
     WHERE id IN (SELECT id FROM "QueuedJob" WHERE status = 'QUEUED' AND "runAt" <= ${now}
                   ${kind ? Prisma.sql`AND kind = ${kind}` : Prisma.empty}
                   ORDER BY "runAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, kind, payload, attempts, "maxAttempts", traceparent`;
}

/** A job runs in a trace of its own, linked to the trace of the request that queued it. */
function runOne(job: Claimed): Promise<void> {
  const attributes = { "job.kind": job.kind, "job.id": job.id, "job.attempt": job.attempts };
  return withSpan(`job ${job.kind}`, { root: true, attributes, links: linksFrom(job.traceparent) }, async () => {
    const handler = handlers.get(job.kind);
    let outcome: Prisma.InputJsonValue | void | Error;
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      outcome = await handler(job.payload, { id: job.id, attempts: job.attempts });
    } catch (e) {
      outcome = e instanceof Error ? e : new Error(String(e));
    }
    await settle(job, outcome);
  });
}

/** A batch runs in one trace, linked to the traces of the requests that queued its jobs. */
function runBatch(kind: string, jobs: Claimed[]): Promise<void> {
  const { handler } = batchHandlers.get(kind)!;
  const attributes = { "job.kind": kind, "job.count": jobs.length };
  return withSpan(`job ${kind}`, { root: true, attributes, links: jobs.flatMap((j) => linksFrom(j.traceparent)) }, async () => {
    let outcomes: (Prisma.InputJsonValue | void | Error)[];
    try {
      outcomes = await handler(jobs.map((j) => ({ id: j.id, attempts: j.attempts, payload: j.payload })));
      if (outcomes.length !== jobs.length) throw new Error(`the ${kind} batch handler answered ${outcomes.length} outcomes for ${jobs.length} jobs`);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      outcomes = jobs.map(() => error);
    }
    for (let i = 0; i < jobs.length; i++) await settle(jobs[i]!, outcomes[i]);
  });
}

/** Records a job's outcome: done with its result, or (an Error) queued again after a backoff until its attempts run out. */
async function settle(job: Claimed, outcome: Prisma.InputJsonValue | void | Error): Promise<void> {
  const prisma = await getPrisma();
  if (!(outcome instanceof Error)) {
    await prisma.queuedJob.update({
      where: { id: job.id },
      data: { status: "DONE", finishedAt: new Date(), lockedUntil: null, lastError: null, result: outcome ?? undefined },
    });
    getMetrics().jobs.inc({ kind: job.kind, outcome: "done" });
    return;
  }
  const message = String(outcome.message ?? outcome).slice(0, 2000);
  const final = job.attempts >= job.maxAttempts;
  logger.warn({ err: outcome, jobId: job.id, kind: job.kind, attempts: job.attempts, final }, "queued job failed");
  getMetrics().jobs.inc({ kind: job.kind, outcome: final ? "failed" : "retry" });
  await prisma.queuedJob.update({
    where: { id: job.id },
    data: final
      ? { status: "FAILED", finishedAt: new Date(), lockedUntil: null, lastError: message }
      : { status: "QUEUED", runAt: new Date(Date.now() + backoffMs(job.attempts)), lockedUntil: null, lastError: message },
  });
}

/**
 * Claims and runs what is due now, up to `limit` jobs, plus, for a kind with a batch handler, more
 * due jobs of that kind up to its batch size; returns how many ran. Tests call this directly.
 */
export async function runQueueOnce(limit = 10): Promise<number> {
  const jobs = await claim(limit);
  let ran = 0;
  const batched = new Set<string>();
  for (const job of jobs) {
    const batch = batchHandlers.get(job.kind);
    if (!batch) {
      await runOne(job);
      ran++;
      continue;
    }
    if (batched.has(job.kind)) continue;
    batched.add(job.kind);
    const claimed = jobs.filter((j) => j.kind === job.kind);
    for (let i = 0; i < claimed.length; i += batch.max) {
      const together = claimed.slice(i, i + batch.max);
      // The last batch takes more due jobs of its kind, up to the batch size.
      if (together.length < batch.max) together.push(...(await claim(batch.max - together.length, job.kind)));
      await runBatch(job.kind, together);
      ran += together.length;
    }
  }
  return ran;
}

/** Runs queued jobs until everything due is done (tests; bounded so a job that re-enqueues itself cannot spin). */
export async function drainQueue(maxRounds = 50): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxRounds; i++) {
    const n = await runQueueOnce();
    if (n === 0) break;
    total += n;
  }
  return total;
}

/** A worker with no due job and no announcement still reads the queue this often (a lost announcement, clock skew). */
export const SAFETY_POLL_MS = 60_000;

/**
 * Runs queued jobs in this process until stopped. It sleeps until the earliest due job (a retry's
 * backoff, a job queued for later) or the safety poll, and wakes at once when any replica
 * announces a job on the bus, or when the bus reconnected (announcements may have been lost).
 */
export function startQueueWorker(options: { safetyPollMs?: number; bus?: ChangeBus } = {}): { stop(): Promise<void> } {
  const safetyPollMs = options.safetyPollMs ?? SAFETY_POLL_MS;
  const bus = options.bus ?? getChangeBus();
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;

  const wakeAt = (at: number) => {
    if (stopped || at >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(
      () => {
        timer = null;
        timerAt = Infinity;
        tick();
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
  };

  // One pass: read when the queue is next due; run what is due now; sleep until the next due time.
  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      let next: number | null = null;
      try {
        do {
          again = false;
          next = await nextDueAt();
          if (next !== null && next <= Date.now()) {
            while (!stopped && (await runQueueOnce()) > 0);
            // Retries set a later runAt without an announcement: this read finds them.
            next = await nextDueAt();
          }
        } while (again && !stopped);
      } catch (e) {
        logger.error({ err: e }, "queue worker error");
        next = Date.now() + 2000;
      } finally {
        running = null;
      }
      const now = Date.now();
      // Still due after draining: another worker holds it (SKIP LOCKED); look again shortly, never spin.
      wakeAt(next === null ? now + safetyPollMs : Math.min(Math.max(next, now + 1000), now + safetyPollMs));
    })();
  };

  const offTopic = bus.subscribeTopic(JOBS_TOPIC, (payload) => {
    const runAt = /^\d{1,15}$/.test(payload) ? Number(payload) : Date.now();
    if (runAt <= Date.now()) setImmediate(tick);
    else wakeAt(runAt);
  });
  const offReconnect = bus.subscribeReconnect(() => setImmediate(tick));
  wakeAt(Date.now() + 1000);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      offTopic();
      offReconnect();
      await running;
    },
  };
}

/** Counts by status and the latest failures, for the admin's System page. */
export async function queueState() {
  const prisma = await getPrisma();
  const groups = await prisma.queuedJob.groupBy({ by: ["kind", "status"], _count: { _all: true } });
  const failures = await prisma.queuedJob.findMany({
    where: { status: "FAILED" },
    orderBy: { finishedAt: "desc" },
    take: 20,
    select: { id: true, kind: true, attempts: true, lastError: true, finishedAt: true, createdAt: true },
  });
  const retrying = await prisma.queuedJob.findMany({
    where: { status: "QUEUED", attempts: { gt: 0 } },
    orderBy: { runAt: "asc" },
    take: 20,
    select: { id: true, kind: true, attempts: true, lastError: true, runAt: true },
  });
  return { counts: groups.map((g) => ({ kind: g.kind, status: g.status, count: g._count._all })), failures, retrying };
}
