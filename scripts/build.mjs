// Production build: `next build` for pages and tRPC, then the custom server bundled by esbuild
// (dependencies stay in node_modules, so Next and the server share one copy of each package),
// then .next/standalone completed into an app that runs without the repository.
import { spawnSync } from "node:child_process";
import { build } from "esbuild";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit", env: process.env });
if (r.status !== 0) process.exit(r.status ?? 1);

await build({
  // The content search's extraction thread (server/search/extractor.ts finds it beside server.mjs).
  entryPoints: { server: "server/runtime/main.ts", "extract-worker": "server/search/extract-worker.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  // Next is CommonJS; an ESM bundle needs `require` for the few places that use it.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
console.log("built dist/server.mjs and dist/extract-worker.mjs");

const standalone = spawnSync(process.execPath, ["scripts/standalone.mjs"], { stdio: "inherit", env: process.env });
if (standalone.status !== 0) process.exit(standalone.status ?? 1);
