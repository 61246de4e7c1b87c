// The Yunpan process: one database, one tus server, Next for pages and tRPC, and the byte paths
// (uploads, downloads, health) served on Node's own request. Compiled by scripts/build.mjs.
import { existsSync, readFileSync } from "node:fs";
import next from "next";
import { loadEnvOrExit, startRuntime } from "@/server/boot";
import { logger } from "@/server/log/logger";

async function main() {
  const env = loadEnvOrExit();
  const started = Date.now();
  useBuiltConfigWhenStandalone();
  const app = next({ dev: env.nodeEnv === "development", dir: process.cwd(), hostname: env.host, port: env.port });
  const handle = app.getRequestHandler();
  const { db } = await startRuntime(env, { fallback: (req, res) => void handle(req, res), beforeListen: () => app.prepare() });
  const shown = env.host === "0.0.0.0" || env.host === "::" ? "localhost" : env.host;
  logger.info({ mode: db.mode, storage: env.storage, ms: Date.now() - started }, "ready");
  console.log(`Yunpan is running at ${env.baseUrl === `http://localhost:${env.port}` ? `http://${shown}:${env.port}` : env.baseUrl}`);
}

/**
 * The standalone app (the container image) has no next.config.ts to compile; Next's build wrote
 * the resolved config next to the pages, and Next reads it from this variable, as its own
 * standalone server.js does.
 */
function useBuiltConfigWhenStandalone() {
  const built = ".next/required-server-files.json";
  if (existsSync("next.config.ts") || !existsSync(built) || process.env.__NEXT_PRIVATE_STANDALONE_CONFIG) return;
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify((JSON.parse(readFileSync(built, "utf8")) as { config: unknown }).config);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
