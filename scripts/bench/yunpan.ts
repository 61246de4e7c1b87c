// Starting Yunpan for the bench: the production server users run (`node dist/server.mjs`, Next
// loaded, as the README starts it), built with `npm run build` when missing or older than the
// sources. server/runtime/byte-server.ts (no Next) is for the fault and replica tests only: its heap and
// RSS are not the production server's (it never showed the GC crawl of issue 22). A user and an
// API token are made through the admin CLI, which talks to the running server over its socket.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, httpOk, waitUntil, type Processes, type Started } from "./processes";
import { peakRssMiB } from "./measure";

export const root = fileURLToPath(new URL("../..", import.meta.url));

export interface Yunpan {
  proc: Started;
  url: string;
  dataDir: string;
  /** `Authorization: Bearer …` for the bench user. */
  auth: Record<string, string>;
  /**
   * Stops this process and starts a fresh one on the same port and data (untimed, between reps);
   * with `settle`, waits until the idle process has done its first mark-compact (see settleMs).
   */
  restart(options?: { settle?: boolean }): Promise<void>;
  /** One line per process started: pid, start-up peak RSS (VmHWM once healthy), idle RSS after settling. */
  processLog: string[];
}

/** Sources whose change makes dist/server.mjs stale (the build's inputs, tests excluded). */
function newerSources(builtMs: number): string[] {
  const out = execFileSync(
    "find",
    ["app", "server", "components", "next.config.ts", "package.json", "-newermt", `@${Math.floor(builtMs / 1000)}`, "-type", "f", "(", "-name", "*.ts", "-o", "-name", "*.tsx", "-o", "-name", "*.json", "-o", "-name", "*.css", ")", "-not", "-name", "*.test.ts"],
    { cwd: root, encoding: "utf8" },
  ).trim();
  return out ? out.split("\n") : [];
}

/** dist/server.mjs (and .next), built with `npm run build` when missing, stale, or with BENCH_BUILD=1. */
export function ensureFullServerBuild(): string {
  const entry = path.join(root, "dist/server.mjs");
  const buildId = path.join(root, ".next/BUILD_ID");
  let why = process.env.BENCH_BUILD === "1" ? "BENCH_BUILD=1" : "";
  if (!why && (!existsSync(entry) || !existsSync(buildId))) why = "no build yet";
  if (!why) {
    const newer = newerSources(Math.min(statSync(entry).mtimeMs, statSync(buildId).mtimeMs));
    if (newer.length) why = `${newer.length} source file(s) newer than the build, e.g. ${newer[0]}`;
  }
  if (why) {
    console.error(`bench: building the production server (npm run build: ${why}) …`);
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  }
  return entry;
}

/** Major (mark-compact) collections so far, from the server's own perf_hooks counter. */
async function majorGcs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/api/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const m = /^yunpan_gc_total\{kind="major"\} (\S+)$/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

const METRICS_TOKEN = "bench-metrics-token";

/** Every Yunpan the bench started, for the per-process RSS lines under the table. */
export const startedYunpans: { name: string; processLog: string[] }[] = [];

/**
 * How long a fresh process idles before a timed whole-file download: the GC crawl of issue 22
 * (a fresh 1 MiB buffer per chunk) showed in every process that had idled 40 s (V8's memory
 * reducer shrinks an idle heap) and in none that downloaded right after start. BENCH_SETTLE_S.
 */
const settleMs = () => Number(process.env.BENCH_SETTLE_S ?? 40) * 1000;

export async function startYunpan(
  procs: Processes,
  options: { name: string; entry: string; dataDir: string; env?: Record<string, string> },
): Promise<Yunpan> {
  const port = await freePort();
  mkdirSync(options.dataDir, { recursive: true });
  // BENCH_PROFILE_DIR: every Yunpan process writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`] : [];
  const url = `http://127.0.0.1:${port}`;
  const processLog: string[] = [];
  const launch = async (): Promise<Started> => {
    const proc = procs.start(options.name, process.execPath, [...profile, options.entry], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TMPDIR: process.env.TMPDIR ?? "/tmp",
        NODE_ENV: "production",
        // As scripts/start.sh, npm start and the image run it.
        MALLOC_ARENA_MAX: "2",
        LOG_LEVEL: "warn",
        NEXT_TELEMETRY_DISABLED: "1",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATA_DIR: options.dataDir,
        AUTH_SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
        METRICS_TOKEN,
        ...options.env,
      },
    });
    // The first start creates the database and Next prepares: minutes on a loaded 2-core machine.
    await waitUntil(`${options.name} to answer /api/health`, proc, () => httpOk(`${url}/api/health`), 300_000);
    const startupPeak = peakRssMiB([proc.pid]);
    processLog.push(`pid ${proc.pid}: start-up peak RSS ${startupPeak.toFixed(0)} MiB`);
    return proc;
  };
  const settle = async (proc: Started) => {
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, settleMs()));
    const i = processLog.length - 1;
    processLog[i] += `, idle RSS ${peakRssMiB([proc.pid], "VmRSS").toFixed(0)} MiB after ${((Date.now() - t0) / 1000).toFixed(0)} s idle (${await majorGcs(url)} mark-compacts so far)`;
  };
  const y: Yunpan = {
    proc: await launch(),
    url,
    dataDir: options.dataDir,
    auth: {},
    processLog,
    async restart({ settle: wait = false } = {}) {
      await procs.stop(y.proc);
      y.proc = await launch();
      if (wait) await settle(y.proc);
    },
  };
  const email = `bench-${port}@example.com`;
  await adminCli(options.dataDir, ["create-user", "--email", email, "--password", "bench-password-0123456789"]);
  const { token } = (await adminCli(options.dataDir, ["create-token", "--email", email, "--name", "bench"])) as { token: string };
  y.auth = { Authorization: `Bearer ${token}` };
  startedYunpans.push({ name: options.name, processLog });
  return y;
}

function adminCli(dataDir: string, args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/admin.ts", ...args],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", LOG_LEVEL: "silent", DATA_DIR: dataDir },
      },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`admin ${args[0]} failed: ${stderr || err.message}`));
        const text = stdout.slice(stdout.indexOf("{"));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error(`admin ${args[0]}: unexpected output ${stdout}`));
        }
      },
    );
  });
}

/** A tRPC call over HTTP with superjson's envelope (`{"json": …}`); returns `result.data.json`. */
export async function trpc<T>(y: Yunpan, kind: "query" | "mutation", procedure: string, input: unknown): Promise<T> {
  const body = JSON.stringify({ json: input });
  const res =
    kind === "query"
      ? await fetch(`${y.url}/api/trpc/${procedure}?input=${encodeURIComponent(body)}`, { headers: y.auth })
      : await fetch(`${y.url}/api/trpc/${procedure}`, { method: "POST", headers: { ...y.auth, "Content-Type": "application/json" }, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`tRPC ${procedure}: ${res.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
}
