import client from "prom-client";
import { getPrisma } from "@/server/db/client";
import { registerGcCounter } from "@/server/metrics/gc-counter";
import { PROM_CLIENT_LAG_PRECISION_MS, registerEventLoopLag } from "@/server/metrics/event-loop-lag";

// The process's Prometheus metrics (prom-client). One registry per process on globalThis: the
// custom server's bundle and Next's layers all count into the same series. The names are an
// interface: deploy/grafana and deploy/prometheus read them, and prometheus-scrape.int.test.ts
// fails when one they name is missing.
const KEY = Symbol.for("yunpan.metrics");

/** A dependency check run at scrape time (the runtime registers the database's and the storage's). */
export type DependencyProbe = () => Promise<void>;

/** Scrape-time reads give up after this, so a stuck database never hangs /api/metrics. */
const COLLECT_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms = COLLECT_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A scrape-time read from the database that keeps the gauge's last value when the database is
 * away: the scrape still answers, and yunpan_dependency_up says why the numbers stand still.
 */
async function readOrKeep(read: () => Promise<void>): Promise<void> {
  try {
    await withTimeout(read());
  } catch {
    // yunpan_dependency_up{dependency="database"} reports the outage.
  }
}

export const WEBHOOK_OUTCOMES = ["delivered", "retry", "failed"] as const;
export const QUEUE_OUTCOMES = ["done", "retry", "failed"] as const;
export const PERIODIC_OUTCOMES = ["ok", "error"] as const;

function createMetrics() {
  const registry = new client.Registry();
  // Process memory, CPU, event-loop lag (yunpan_nodejs_eventloop_lag_*), heap spaces, handles.
  // The event-loop delay histograms come from event-loop-lag.ts (a sampler that wakes the process 10 times a second, not 100).
  client.collectDefaultMetrics({ register: registry, prefix: "yunpan_", eventLoopMonitoringPrecision: PROM_CLIENT_LAG_PRECISION_MS });
  registerEventLoopLag(registry, "yunpan_");
  const dependencyProbes = new Map<string, DependencyProbe>();
  return {
    registry,
    dependencyProbes,
    gcs: registerGcCounter(registry),
    httpRequests: new client.Counter({
      name: "yunpan_http_requests_total",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: "yunpan_http_request_duration_seconds",
      help: "HTTP request duration by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers: [registry],
    }),
    httpInFlight: new client.Gauge({
      name: "yunpan_http_requests_in_flight",
      help: "HTTP requests this process is serving now, by route (uploads in flight: route=~\"/api/upload.*\")",
      labelNames: ["route"] as const,
      registers: [registry],
    }),
    uploadedBytes: new client.Counter({ name: "yunpan_upload_bytes_total", help: "Bytes received by tus uploads", registers: [registry] }),
    downloadedBytes: new client.Counter({ name: "yunpan_download_bytes_total", help: "Bytes sent by file and ZIP downloads", registers: [registry] }),
    uploadsCompleted: new client.Counter({ name: "yunpan_uploads_completed_total", help: "Uploads committed as files", registers: [registry] }),
    activeUploads: new client.Gauge({
      name: "yunpan_active_uploads",
      help: "Unfinished uploads (all replicas: read from the database at scrape time)",
      registers: [registry],
      async collect() {
        await readOrKeep(async () => {
          const prisma = await getPrisma();
          this.set(await prisma.uploadSession.count({ where: { status: "ACTIVE", expiresAt: { gt: new Date() } } }));
        });
      },
    }),
    jobs: new client.Counter({
      name: "yunpan_jobs_total",
      help: "Background job runs by kind and outcome (done, retry, failed; periodic: ok, error)",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    jobQueue: new client.Gauge({
      name: "yunpan_job_queue_depth",
      help: "Queued jobs (all replicas, read at scrape time) by state: due (waiting for a worker), scheduled (a later run or a retry's backoff), running, failed (kept for the System page)",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        await readOrKeep(async () => {
          const prisma = await getPrisma();
          const now = new Date();
          const [groups, due] = await Promise.all([
            prisma.queuedJob.groupBy({ by: ["status"], _count: { _all: true } }),
            prisma.queuedJob.count({ where: { status: "QUEUED", runAt: { lte: now } } }),
          ]);
          const of = (status: string) => groups.find((g) => g.status === status)?._count._all ?? 0;
          this.set({ state: "due" }, due);
          this.set({ state: "scheduled" }, of("QUEUED") - due);
          this.set({ state: "running" }, of("RUNNING"));
          this.set({ state: "failed" }, of("FAILED"));
        });
      },
    }),
    jobQueueOldest: new client.Gauge({
      name: "yunpan_job_queue_oldest_due_seconds",
      help: "How long the oldest due job has waited for a worker (0 when none waits); growing means the queue is stuck",
      registers: [registry],
      async collect() {
        await readOrKeep(async () => {
          const prisma = await getPrisma();
          const now = new Date();
          const oldest = await prisma.queuedJob.aggregate({ where: { status: "QUEUED", runAt: { lte: now } }, _min: { runAt: true } });
          this.set(oldest._min.runAt ? Math.max(0, (now.getTime() - oldest._min.runAt.getTime()) / 1000) : 0);
        });
      },
    }),
    webhookDeliveries: new client.Counter({
      name: "yunpan_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome: delivered, retry (failed, will be retried), failed (last attempt failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    webhooksFailing: new client.Gauge({
      name: "yunpan_webhooks_failing",
      help: "Webhooks in the FAILING state (every attempt of a delivery failed), read at scrape time",
      registers: [registry],
      async collect() {
        await readOrKeep(async () => {
          const prisma = await getPrisma();
          this.set(await prisma.webhook.count({ where: { state: "FAILING" } }));
        });
      },
    }),
    eventStreamClients: new client.Gauge({
      name: "yunpan_event_stream_clients",
      help: "Open event streams (GET /api/events) on this process",
      registers: [registry],
    }),
    storageErrors: new client.Counter({
      name: "yunpan_storage_errors_total",
      help: "Blob store operations that failed, by operation",
      labelNames: ["operation"] as const,
      registers: [registry],
    }),
    dependencyUp: new client.Gauge({
      name: "yunpan_dependency_up",
      help: "1 when the dependency answered its check at scrape time (database: a query; storage: the blob store's check), else 0",
      labelNames: ["dependency"] as const,
      registers: [registry],
      async collect() {
        await Promise.all(
          [...dependencyProbes].map(async ([dependency, probe]) => {
            const up = await withTimeout(probe()).then(
              () => 1,
              () => 0,
            );
            this.set({ dependency }, up);
          }),
        );
      },
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;
type G = typeof globalThis & { [KEY]?: Metrics };

export function getMetrics(): Metrics {
  return ((globalThis as G)[KEY] ??= initialise(createMetrics()));
}

/** Series that exist from the start at 0, so rate() and the dashboards see them before the first event. */
function initialise(m: Metrics): Metrics {
  for (const outcome of WEBHOOK_OUTCOMES) m.webhookDeliveries.inc({ outcome }, 0);
  m.eventStreamClients.set(0);
  m.jobQueueOldest.set(0);
  for (const state of ["due", "scheduled", "running", "failed"]) m.jobQueue.set({ state }, 0);
  return m;
}

/** Registers a check reported as yunpan_dependency_up{dependency=name} (the composition root calls this). */
export function registerDependencyProbe(name: string, probe: DependencyProbe): void {
  getMetrics().dependencyProbes.set(name, probe);
}

/** A job kind's series at 0 from the start: an alert on its failures works before the first run. */
export function registerJobKindMetrics(kind: string, outcomes: readonly string[]): void {
  for (const outcome of outcomes) getMetrics().jobs.inc({ kind, outcome }, 0);
}

