// Starts the built server on a fresh, empty data directory and removes it when stopped. It runs
// what the container image runs: the standalone app (.next/standalone), copied out of the
// repository so that nothing can resolve from the repository's node_modules.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// A fresh, empty data directory: the one the tests were told (E2E_DATA_DIR), or a new temp one.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "yunpan-e2e-"));
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
const appDir = mkdtempSync(path.join(tmpdir(), "yunpan-e2e-app-"));
cpSync(".next/standalone", appDir, { recursive: true, verbatimSymlinks: true });
const child = spawn(process.execPath, ["dist/server.mjs"], {
  cwd: appDir,
  stdio: "inherit",
  env: { MALLOC_ARENA_MAX: "2", ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, HOST: "127.0.0.1" },
});
const cleanup = () => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(appDir, { recursive: true, force: true });
};
child.on("exit", (code) => {
  cleanup();
  process.exit(code ?? 0);
});
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill("SIGTERM"));
