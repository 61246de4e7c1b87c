#!/usr/bin/env node
// Usage: node scripts/with-postgres.mjs <command> [args…]
//
// Runs <command> against a throwaway PostgreSQL cluster: initdb in a temp dir (trust auth on
// loopback only, fsync off), a free 127.0.0.1 port, unix sockets in the temp dir. The child gets
// TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres. Afterwards — also on failure,
// SIGINT or SIGTERM — the cluster is stopped by its PID and the temp dir removed, and this script
// exits with the child's code.
//
// PostgreSQL refuses to run as root, so as root every server binary runs as the `postgres` system
// user (runuser) on a temp dir that user owns; as any other user they run directly.
import { harnessLifecycle } from "./harness-lifecycle.mjs";
import { execFileSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const PG_ROOT = "/usr/lib/postgresql";
const MIN_MAJOR = 15;
const RUN_AS = "postgres";

function fail(message) {
  console.error(`with-postgres: ${message}`);
  process.exit(1);
}

/** The newest /usr/lib/postgresql/<major>/bin with the server binaries, major ≥ 15. */
function findBinDir() {
  const majors = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((d) => /^\d+$/.test(d) && Number(d) >= MIN_MAJOR)
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const bin = path.join(PG_ROOT, major, "bin");
    if (["initdb", "pg_ctl", "postgres"].every((b) => existsSync(path.join(bin, b)))) return bin;
  }
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const [command, ...commandArgs] = process.argv.slice(2);
if (!command) fail("usage: node scripts/with-postgres.mjs <command> [args…]");

const binDir = findBinDir();
if (!binDir) {
  fail(
    `no PostgreSQL ${MIN_MAJOR}+ server binaries (initdb, pg_ctl, postgres) found in ${PG_ROOT}/*/bin.\n` +
      `Install them, e.g. \`apt-get install postgresql-${MIN_MAJOR}\`.`,
  );
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
let runAs = null;
if (isRoot) {
  try {
    const uid = Number(execFileSync("id", ["-u", RUN_AS], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", RUN_AS], { encoding: "utf8" }).trim());
    runAs = { uid, gid };
  } catch {
    fail(`running as root, but there is no "${RUN_AS}" system user to run PostgreSQL as (it refuses to run as root).`);
  }
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "yp-pg-"));
const dataDir = path.join(tmp, "data");
const logFile = path.join(tmp, "postgres.log");
if (runAs) chownSync(tmp, runAs.uid, runAs.gid);

/** Runs a PostgreSQL binary synchronously, as the postgres user when we are root. */
function pgSync(binary, args, opts = {}) {
  const file = path.join(binDir, binary);
  const [cmd, argv] = runAs ? ["runuser", ["-u", RUN_AS, "--", file, ...args]] : [file, args];
  return execFileSync(cmd, argv, { cwd: tmp, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
}

let postmasterPid = null;
let cleanedUp = false;

/** Stops the cluster (by its PID) and removes the temp dir. Synchronous, so it also runs on exit. */
function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (existsSync(path.join(dataDir, "postmaster.pid"))) {
    try {
      postmasterPid ??= Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch {
      // the server is already gone
    }
  }
  if (postmasterPid) {
    try {
      pgSync("pg_ctl", ["stop", "-D", dataDir, "-m", "immediate", "-w", "-t", "10"]);
    } catch {
      // fall through to the kill below
    }
    for (let i = 0; i < 50 && isAlive(postmasterPid); i++) sleepSync(100);
    if (isAlive(postmasterPid)) {
      try {
        process.kill(postmasterPid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  try {
    rmSync(tmp, { recursive: true, force: true });
  } catch (e) {
    console.error(`with-postgres: could not remove ${tmp}: ${e.message}`);
  }
}

const lifecycle = harnessLifecycle("with-postgres", cleanup);

async function startCluster() {
  pgSync("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "--locale=C.UTF-8", "-E", "UTF8"]);
  // Trust, but only over the temp dir's unix socket and 127.0.0.1: nothing else may connect.
  writeFileSync(
    path.join(dataDir, "pg_hba.conf"),
    ["local all all trust", "host all all 127.0.0.1/32 trust", ""].join("\n"),
  );
  if (runAs) chownSync(path.join(dataDir, "pg_hba.conf"), runAs.uid, runAs.gid);

  // A port found free can be taken before the server binds it: try a few.
  let lastError = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    appendFileSync(
      path.join(dataDir, "postgresql.conf"),
      [
        "",
        "# with-postgres.mjs: a throwaway test cluster",
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${tmp}'`,
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 200",
        "",
      ].join("\n"),
    );
    try {
      pgSync("pg_ctl", ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60"]);
      postmasterPid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      return port;
    } catch (e) {
      lastError = e;
    }
  }
  const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
  throw new Error(`pg_ctl start failed: ${lastError?.stderr || lastError?.message}\n${log}`);
}

try {
  const port = await startCluster();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  console.error(`with-postgres: PostgreSQL (${binDir}) on 127.0.0.1:${port}, pid ${postmasterPid}`);
  await lifecycle.runAndExit(command, commandArgs, { ...process.env, TEST_POSTGRES_URL: url });
} catch (e) {
  console.error(`with-postgres: ${e.stderr || e.message}`);
  cleanup();
  process.exit(1);
}
