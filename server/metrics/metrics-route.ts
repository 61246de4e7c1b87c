import type { IncomingMessage, ServerResponse } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { getEnv } from "@/server/env";
import { getMetrics } from "@/server/metrics/metrics";
import { logger } from "@/server/log/logger";

export const METRICS_PATH = "/api/metrics";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** GET /api/metrics: Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer <it>`. */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse) {
  const expected = getEnv().metricsToken;
  if (expected) {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    // Compared as digests: equal lengths, and no timing hint about the token.
    if (!timingSafeEqual(digest(given), digest(expected))) {
      res.writeHead(401, { "Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": 'Bearer realm="metrics"' });
      return void res.end("metrics need the METRICS_TOKEN as a Bearer token\n");
    }
  }
  try {
    const { registry } = getMetrics();
    const body = await registry.metrics();
    res.writeHead(200, { "Content-Type": registry.contentType, "Cache-Control": "no-store" });
    res.end(body);
  } catch (e) {
    logger.error({ err: e }, "metrics failed");
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("metrics unavailable\n");
  }
}
