// Starts the built server on a fresh, empty data directory and removes it when stopped.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const dataDir = mkdtempSync(path.join(tmpdir(), "yunpan-e2e-"));
const child = spawn(process.execPath, ["dist/server.mjs"], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, HOST: "127.0.0.1" },
});
const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
child.on("exit", (code) => {
  cleanup();
  process.exit(code ?? 0);
});
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill("SIGTERM"));
