import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A real Yunpan byte server (server/runtime/byte-server.ts: tus, downloads, health, the same runtime as
 * the full server without Next) in its own process, so a test can SIGKILL and restart it.
 */
export async function startServerProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; kill(): Promise<void> }> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "server/runtime/byte-server.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      PORT: String(port),
      AUTH_SECRET: "fault-test-secret-0123456789abcdef0123456789",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  // A cold start on an overloaded machine (PGlite, migrations) can take minutes.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

/** Runs the admin CLI against DATA_DIR (through the running server's socket, if any). */
export async function runAdminCli(env: Record<string, string>, args: string[]): Promise<unknown> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`admin ${args[0]} failed (${code}): ${err}`);
  return JSON.parse(out.slice(out.indexOf(out.trimStart().startsWith("[") ? "[" : "{")));
}

export type ServerProcess = Awaited<ReturnType<typeof startServerProcess>>;

/**
 * Two replicas on one fresh PostgreSQL database and one DATA_DIR, as a multi-replica deployment
 * runs them; `env` adds to (or overrides) their environment, e.g. REDIS_URL. `stop` kills both and
 * drops the database.
 */
export async function startReplicaPair(
  pgBase: string,
  opts: { prefix: string; env?: Record<string, string> },
): Promise<{ a: ServerProcess; b: ServerProcess; env: Record<string, string>; stop(): Promise<void> }> {
  // Imported here: test-db loads vitest, and Playwright's config imports this file too.
  const { createPostgresDatabase } = await import("@/server/test/test-db");
  const scratch = await createPostgresDatabase(pgBase, opts.prefix);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `${opts.prefix}-replicas-`));
  const env: Record<string, string> = { DATABASE_URL: scratch.url, DATA_DIR: dataDir, ...opts.env };
  const started: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((r) => r.kill()));
    await scratch.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    started.push(await startServerProcess(env));
    started.push(await startServerProcess(env));
  } catch (e) {
    await stop();
    throw e;
  }
  return { a: started[0]!, b: started[1]!, env, stop };
}
