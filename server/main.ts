// The Yunpan process: one database, one tus server, Next for pages and tRPC, and the byte paths
// (uploads, downloads, health) served on Node's own request. Compiled by scripts/build.mjs.
import http from "node:http";
import next from "next";
import { EnvError, ensureAuthSecret, getEnv } from "@/server/env";
import { openDatabase, setDatabase, type Database } from "@/server/db/client";
import { handleByteRoute } from "@/server/http/byte-routes";
import { getTus } from "@/server/upload/tus-server";
import { startAdminSocket } from "@/server/admin/admin-socket";
import { logger } from "@/server/log/logger";
import { startJobs } from "@/server/jobs/job-runner";
import { allJobs } from "@/server/jobs/jobs";

async function main() {
  let env;
  try {
    env = getEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  // next-auth reads these; they are derived from our own configuration.
  process.env.NEXTAUTH_SECRET = ensureAuthSecret(env);
  process.env.NEXTAUTH_URL = env.baseUrl;

  const started = Date.now();
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
  const admin = await startAdminSocket(env.dataDir);
  const jobs = startJobs(allJobs());

  const dev = env.nodeEnv === "development";
  const app = next({ dev, dir: process.cwd(), hostname: env.host, port: env.port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = http.createServer((req, res) => {
    // The client address for audit logs comes from the socket, never from a header it could forge.
    req.headers["x-yunpan-client-ip"] = req.socket.remoteAddress ?? "";
    if (handleByteRoute(req, res)) return;
    void handle(req, res);
  });
  // Big uploads and downloads take longer than Node's 5-minute request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, env.host, resolve);
  });
  const shown = env.host === "0.0.0.0" || env.host === "::" ? "localhost" : env.host;
  logger.info({ mode: db.mode, storage: env.storage, ms: Date.now() - started }, "ready");
  console.log(`Yunpan is running at ${env.baseUrl === `http://localhost:${env.port}` ? `http://${shown}:${env.port}` : env.baseUrl}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    server.close();
    server.closeIdleConnections();
    admin.close();
    jobs.stop();
    setTimeout(() => process.exit(0), 5000).unref();
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
