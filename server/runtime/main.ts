// The Yunpan process: one database, one tus server, Next for pages and tRPC, and the byte paths
// (uploads, downloads, health) served on Node's own request. Compiled by scripts/build.mjs.
import { existsSync, readFileSync } from "node:fs";
import next from "next";
import { loadEnvOrExit, startRuntime } from "@/server/runtime/boot";
import { logger } from "@/server/log/logger";
import { startTracing } from "@/server/tracing/tracing-sdk";

async function main() {
  // First, so the first request is traced; null (SDK never loaded) unless OTEL_* names an exporter.
  const tracing = await startTracing();
  const env = loadEnvOrExit();
  const started = Date.now();
  if (env.nodeEnv !== "development") useBuiltConfig();
  const app = next({ dev: env.nodeEnv === "development", dir: process.cwd(), hostname: env.host, port: env.port });
  const handle = app.getRequestHandler();
  const { db } = await startRuntime(env, { fallback: (req, res) => void handle(req, res), beforeListen: () => app.prepare(), beforeExit: tracing?.shutdown });
  const shown = env.host === "0.0.0.0" || env.host === "::" ? "localhost" : env.host;
  logger.info({ mode: db.mode, storage: env.storage, ms: Date.now() - started }, "ready");
  console.log(`Yunpan is running at ${env.baseUrl === `http://localhost:${env.port}` ? `http://${shown}:${env.port}` : env.baseUrl}`);
}

/**
 * A production server runs what `next build` made, with the config the build resolved and wrote
 * next to the pages; Next reads it from this variable, as its own standalone server.js does. The
 * container image has no next.config.ts to compile, and from the repository (scripts/start.sh)
 * this also keeps Next from warning that "next start" does not work with output: standalone:
 * this server is not `next start`.
 */
function useBuiltConfig() {
  const built = ".next/required-server-files.json";
  if (!existsSync(built) || process.env.__NEXT_PRIVATE_STANDALONE_CONFIG) return;
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify((JSON.parse(readFileSync(built, "utf8")) as { config: unknown }).config);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
