// Completes Next's standalone output (.next/standalone: the pages and the node_modules files they
// need) into a self-contained app: the custom server (dist/server.mjs) and the files it needs,
// traced with the same tracer Next uses, plus static assets, public files and the migrations.
// The folder runs with `node dist/server.mjs` and nothing else: no npm install, no sources.
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { nodeFileTrace } = require("next/dist/compiled/@vercel/nft");

const root = process.cwd();
const out = path.join(root, ".next", "standalone");
if (!existsSync(path.join(out, ".next"))) throw new Error(".next/standalone is missing: run `next build` with output: standalone first");

const started = Date.now();
// What Next leaves out of its own server trace (dev-only runtimes, bundlers, source maps, type
// files), and the tracer itself, which the build code next to the server points at.
const ignore = [
  "**/next/dist/compiled/next-server/**/*.dev.js",
  "**/next/dist/compiled/webpack/*",
  "**/next/dist/compiled/@vercel/nft/**",
  "**/next/dist/server/lib/route-resolver*",
  "**/next/dist/lib/upgrade/**",
  "**/next/dist/pages/**",
  "**/node_modules/react{,-dom,-dom-server-turbopack}/**/*.development.js",
  "**/*.d.ts",
  "**/*.map",
];
const entries = [path.join(root, "dist", "server.mjs"), path.join(root, "dist", "extract-worker.mjs")];
const { fileList, warnings } = await nodeFileTrace(entries, { base: root, processCwd: root, ignore });
let copied = 0;
for (const rel of fileList) {
  const from = path.join(root, rel);
  const to = path.join(out, rel);
  if (existsSync(to) || !statSync(from).isFile()) continue;
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(from, to, { dereference: true });
  copied++;
}
// The tracer warns about every optional require it cannot follow; the browser tests run this
// folder, so a file it truly needed and missed fails them.
void warnings;

cpSync(path.join(root, ".next", "static"), path.join(out, ".next", "static"), { recursive: true });
if (existsSync(path.join(root, "public"))) cpSync(path.join(root, "public"), path.join(out, "public"), { recursive: true });
rmSync(path.join(out, "prisma"), { recursive: true, force: true });
cpSync(path.join(root, "prisma", "migrations"), path.join(out, "prisma", "migrations"), { recursive: true });
// Next's own server.js would start pages without the upload and download paths.
rmSync(path.join(out, "server.js"), { force: true });
console.log(`standalone app in .next/standalone: ${fileList.size} files traced for dist/server.mjs, ${copied} added (${Date.now() - started} ms)`);
