import type { IncomingMessage, ServerResponse } from "node:http";
import { logger } from "@/server/log/logger";
import { requestIdFrom, runWithRequestContext } from "@/server/log/request-context";
import { getMetrics } from "@/server/metrics/metrics";
import { routeOf } from "@/server/log/route-label";
import { RequestIdResponse } from "@/server/runtime/request-id-response";

const DOWNLOAD_ROUTES = new Set(["/api/files/:id/content", "/api/blob/:sha256", "/api/zip"]);

/**
 * Wraps one HTTP request: a request id (echoed as X-Request-Id) in a context every log line and
 * audit event of the request reads, one access-log line at the end (method, route label, status,
 * duration, never the URL's query, headers or body), and the HTTP metrics.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  const started = process.hrtime.bigint();
  const requestId = requestIdFrom(req.headers["x-request-id"]);
  const pathname = (req.url ?? "/").split("?", 1)[0]!;
  const route = routeOf(pathname);
  const socket = req.socket;
  // Requests on one keep-alive connection run one after another, so the socket's counter moved by
  // this response's bytes alone.
  const writtenBefore = socket.bytesWritten;
  // Our server's responses add it as they write their headers (request-id-response.ts).
  if (res instanceof RequestIdResponse) res.requestId = requestId;
  else res.setHeader("X-Request-Id", requestId);
  getMetrics().httpInFlight.inc({ route });
  const context = {
    requestId,
    ip: typeof req.headers["x-yunpan-client-ip"] === "string" ? req.headers["x-yunpan-client-ip"] : (socket.remoteAddress ?? null),
    userAgent: req.headers["user-agent"] ?? null,
  };
  res.once("close", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = res.headersSent ? res.statusCode : 499;
    const metrics = getMetrics();
    metrics.httpInFlight.dec({ route });
    const labels = { method: req.method ?? "GET", route, status: String(status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, seconds);
    if (DOWNLOAD_ROUTES.has(route) && status < 300) metrics.downloadedBytes.inc(Math.max(0, socket.bytesWritten - writtenBefore));
    // Static assets and health probes would drown the log; they are still counted above.
    if (route === "/_next" || route === "/api/health" || route === "/api/metrics" || !logger.isLevelEnabled("info")) return;
    runWithRequestContext(context, () =>
      logger.info({ method: req.method, route, status, ms: Math.round(seconds * 1000), aborted: !res.writableFinished || undefined }, "request"),
    );
  });
  runWithRequestContext(context, handle);
}
