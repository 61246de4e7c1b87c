import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Whether `dir` already holds a PGlite (Postgres) cluster. PGlite itself checks the same file. */
export function hasDatabaseFiles(dir: string): boolean {
  return existsSync(path.join(dir, "PG_VERSION"));
}

// Runs in the child: PGlite creates the cluster (initdb) on an empty directory, then closes it.
const CHILD = `
const [entry, dataDir, params] = process.argv.slice(1);
const { PGlite } = require(entry);
PGlite.create({ dataDir, startParams: [...PGlite.defaultStartParams, ...JSON.parse(params)] })
  .then((db) => db.close())
  .catch((e) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });
`;

/**
 * Creates a new embedded database's files in a short-lived child process. PGlite's initdb runs a
 * second Postgres and the initdb program in WebAssembly beside the server's own: done in the
 * server's process it peaked at ~790 MiB and left ~50-100 MiB of freed but still resident memory
 * in the process's malloc heap for good. The child's memory goes back to the system when it exits.
 */
export async function createDatabaseFilesInChild(dir: string, startParams: string[]): Promise<void> {
  // The CommonJS entry: `node -e` runs CommonJS, and the path comes from this module's own
  // resolution, so the child loads the same PGlite as the server whatever its working directory.
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const child = spawn(process.execPath, ["-e", CHILD, entry, dir, JSON.stringify(startParams)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0 || !hasDatabaseFiles(dir)) {
    throw new Error(`Creating the embedded database in ${dir} failed (exit ${code}): ${stderr.trim() || "no output"}`);
  }
}
