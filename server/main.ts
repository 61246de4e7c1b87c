// The Yunpan process: one database, one tus server, Next for pages and tRPC, and the byte paths
// (uploads, downloads, health) served on Node's own request. Compiled by scripts/build.mjs.
import next from "next";
import { loadEnvOrExit, startRuntime } from "@/server/boot";
import { logger } from "@/server/log/logger";

async function main() {
  const env = loadEnvOrExit();
  const started = Date.now();
  const app = next({ dev: env.nodeEnv === "development", dir: process.cwd(), hostname: env.host, port: env.port });
  const handle = app.getRequestHandler();
  const { db } = await startRuntime(env, { fallback: (req, res) => void handle(req, res), beforeListen: () => app.prepare() });
  const shown = env.host === "0.0.0.0" || env.host === "::" ? "localhost" : env.host;
  logger.info({ mode: db.mode, storage: env.storage, ms: Date.now() - started }, "ready");
  console.log(`Yunpan is running at ${env.baseUrl === `http://localhost:${env.port}` ? `http://${shown}:${env.port}` : env.baseUrl}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
