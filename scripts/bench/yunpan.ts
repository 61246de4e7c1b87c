// Starting Yunpan for the bench: the byte server (server/byte-server.ts: tus, downloads, health,
// the same runtime as the full server without Next) bundled from the current sources the way
// scripts/build.mjs bundles the full server, so it runs on plain node like production; and the full
// server (dist/server.mjs) where a path needs Next (tRPC). A user and an API token are made through
// the admin CLI, which talks to the running server over its socket in DATA_DIR.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { freePort, httpOk, waitUntil, type Processes, type Started } from "./processes";

export const root = fileURLToPath(new URL("../..", import.meta.url));

export interface Yunpan {
  proc: Started;
  url: string;
  dataDir: string;
  /** `Authorization: Bearer …` for the bench user. */
  auth: Record<string, string>;
}

/** Bundles server/byte-server.ts into `outDir` (dependencies stay external, found via a symlink). */
export async function bundleByteServer(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, "byte-server.mjs");
  await build({
    entryPoints: [path.join(root, "server/byte-server.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  // Bare imports resolve from the bundle's directory upwards: point it at the project's packages.
  const link = path.join(outDir, "node_modules");
  if (!existsSync(link)) symlinkSync(path.join(root, "node_modules"), link);
  return outfile;
}

/** dist/server.mjs (and .next), built with `npm run build` when missing; a stale build is only reported. */
export function ensureFullServerBuild(): string {
  const entry = path.join(root, "dist/server.mjs");
  const buildId = path.join(root, ".next/BUILD_ID");
  if (!existsSync(entry) || !existsSync(buildId) || process.env.BENCH_BUILD === "1") {
    console.error("bench: building the full server (npm run build) …");
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  } else {
    const built = Math.min(statSync(entry).mtimeMs, statSync(buildId).mtimeMs);
    const newer = execFileSync("find", ["app", "server", "components", "-newermt", `@${Math.floor(built / 1000)}`, "-type", "f", "-name", "*.ts*", "-not", "-name", "*.test.ts"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    if (newer) {
      console.error(`bench: note: dist/server.mjs is older than ${newer.split("\n").length} source file(s); the instant-upload scenario runs that build (BENCH_BUILD=1 rebuilds)`);
    }
  }
  return entry;
}

export async function startYunpan(
  procs: Processes,
  options: { name: string; entry: string; dataDir: string; env?: Record<string, string> },
): Promise<Yunpan> {
  const port = await freePort();
  mkdirSync(options.dataDir, { recursive: true });
  // BENCH_PROFILE_DIR: every Yunpan process writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`] : [];
  const proc = procs.start(options.name, process.execPath, [...profile, options.entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      TMPDIR: process.env.TMPDIR ?? "/tmp",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: options.dataDir,
      AUTH_SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(`${options.name} to answer /api/health`, proc, () => httpOk(`${url}/api/health`));
  const email = `bench-${port}@example.com`;
  await adminCli(options.dataDir, ["create-user", "--email", email, "--password", "bench-password-0123456789"]);
  const { token } = (await adminCli(options.dataDir, ["create-token", "--email", email, "--name", "bench"])) as { token: string };
  return { proc, url, dataDir: options.dataDir, auth: { Authorization: `Bearer ${token}` } };
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
