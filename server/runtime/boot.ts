import http from "node:http";
import type { Server as NetServer } from "node:net";
import { EnvError, ensureAuthSecret, getEnv, type Env } from "@/server/env";
import { openDatabase, setDatabase, type Database } from "@/server/db/client";
import { handleByteRoute } from "@/server/runtime/byte-routes";
import { observeRequest } from "@/server/runtime/request-log";
import { RequestIdResponse } from "@/server/runtime/request-id-response";
import { getTus } from "@/server/upload/tus-server";
import { startAdminSocket } from "@/server/admin/admin-socket";
import { logger } from "@/server/log/logger";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { startJobs } from "@/server/jobs/job-runner";
import { allJobs } from "@/server/runtime/jobs";
import { startQueueWorker } from "@/server/jobs/queue";
import { startWebhookListener } from "@/server/webhooks/webhook-delivery";
import { reloadSettings, startSettingsListener } from "@/server/settings/settings.service";
import "@/server/runtime/job-handlers";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The configuration, or exit naming the bad variable. */
export function loadEnvOrExit(): Env {
  try {
    const env = getEnv();
    // next-auth reads these; they are derived from our own configuration.
    process.env.NEXTAUTH_SECRET = ensureAuthSecret(env);
    process.env.NEXTAUTH_URL = env.baseUrl;
    return env;
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

/**
 * Everything a Yunpan process owns besides Next: the one database, the tus server, the admin
 * socket (embedded mode), the background jobs, and an HTTP server that serves the byte paths
 * itself and hands the rest to `fallback`.
 */
export async function startRuntime(env: Env, options: { fallback: Handler; beforeListen?: () => Promise<void>; beforeExit?: () => Promise<void> }) {
  const dbPromise: Promise<Database> = env.databaseUrl
    ? openDatabase({ mode: "postgres", url: env.databaseUrl })
    : openDatabase({ mode: "embedded", dataDir: env.dataDir });
  setDatabase(dbPromise);
  let db: Database;
  try {
    db = await dbPromise;
  } catch (e) {
    console.error(`Cannot open the database: ${(e as Error).message}`);
    process.exit(1);
  }
  getTus();
  // The CLI needs the socket only where it cannot open the database itself (PGlite's one process).
  const admin: NetServer | null = env.databaseUrl ? null : await startAdminSocket(env.dataDir);
  const jobs = startJobs(allJobs());
  const queue = startQueueWorker();
  startWebhookListener();
  // Site settings: read before the first request, then re-read whenever any replica changes them.
  startSettingsListener();
  await reloadSettings();
  await options.beforeListen?.();

  const server = http.createServer({ ServerResponse: RequestIdResponse }, (req, res) => {
    // The client address for audit logs comes from the socket, never from a header it could forge.
    req.headers["x-yunpan-client-ip"] = req.socket.remoteAddress ?? "";
    observeRequest(req, res, () => {
      if (handleByteRoute(req, res, () => options.fallback(req, res))) return;
      options.fallback(req, res);
    });
  });
  // Big uploads and downloads take longer than Node's 5-minute request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, env.host, resolve);
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    server.close();
    server.closeIdleConnections();
    admin?.close();
    jobs.stop();
    await Promise.race([queue.stop(), new Promise((r) => setTimeout(r, 3000))]);
    setTimeout(() => process.exit(0), 5000).unref();
    // The last spans (tracing on) are exported before the process goes.
    await options.beforeExit?.().catch(() => {});
    await db.close().catch(() => {});
    await getBlobStore().close?.().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  return { db, server };
}
