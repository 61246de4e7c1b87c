import client from "prom-client";
import { getPrisma } from "@/server/db/client";
import { registerGcCounter } from "@/server/metrics/gc-counter";

// The process's Prometheus metrics (prom-client). One registry per process on globalThis: the
// custom server's bundle and Next's layers all count into the same series.
const KEY = Symbol.for("yunpan.metrics");

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "yunpan_" });
  return {
    registry,
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
    uploadedBytes: new client.Counter({ name: "yunpan_upload_bytes_total", help: "Bytes received by tus uploads", registers: [registry] }),
    downloadedBytes: new client.Counter({ name: "yunpan_download_bytes_total", help: "Bytes sent by file and ZIP downloads", registers: [registry] }),
    uploadsCompleted: new client.Counter({ name: "yunpan_uploads_completed_total", help: "Uploads committed as files", registers: [registry] }),
    activeUploads: new client.Gauge({
      name: "yunpan_active_uploads",
      help: "Unfinished uploads (all replicas: read from the database at scrape time)",
      registers: [registry],
      async collect() {
        const prisma = await getPrisma();
        this.set(await prisma.uploadSession.count({ where: { status: "ACTIVE", expiresAt: { gt: new Date() } } }));
      },
    }),
    jobs: new client.Counter({
      name: "yunpan_jobs_total",
      help: "Background job runs by kind and outcome (done, retry, failed; periodic: ok, error)",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    storageErrors: new client.Counter({
      name: "yunpan_storage_errors_total",
      help: "Blob store operations that failed, by operation",
      labelNames: ["operation"] as const,
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;
type G = typeof globalThis & { [KEY]?: Metrics };

export function getMetrics(): Metrics {
  return ((globalThis as G)[KEY] ??= createMetrics());
}

/**
 * A bounded route label for a path: ids and tokens become placeholders, anything unknown is
 * "other", so a client cannot grow the series (and no share token lands in a label).
 */
export function routeOf(pathname: string): string {
  if (pathname === "/api/upload" || pathname === "/api/upload/") return "/api/upload";
  if (pathname.startsWith("/api/upload/")) return "/api/upload/:id";
  if (/^\/api\/files\/[^/]+\/content$/.test(pathname)) return "/api/files/:id/content";
  if (pathname.startsWith("/api/blob/")) return "/api/blob/:sha256";
  if (pathname.startsWith("/api/trpc/")) return "/api/trpc";
  if (pathname.startsWith("/api/auth/")) return "/api/auth";
  if (pathname.startsWith("/_next/")) return "/_next";
  const fixed = [
    "/api/zip", "/api/health", "/api/metrics", "/api/admin/audit.csv", "/", "/drive", "/recent", "/starred", "/trash", "/search", "/settings",
    "/sign-in", "/sign-up", "/admin", "/admin/users", "/admin/shares", "/admin/uploads", "/admin/audit", "/admin/system",
  ];
  if (fixed.includes(pathname)) return pathname;
  if (/^\/drive\/[^/]+$/.test(pathname)) return "/drive/:id";
  if (/^\/s\/[^/]+/.test(pathname)) return "/s/:token";
  if (pathname.startsWith("/api/")) return "/api/other";
  return "other";
}
