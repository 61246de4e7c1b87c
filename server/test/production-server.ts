import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, runAdminCli } from "@/server/test/server-process";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ProductionServer {
  url: string;
  child: ChildProcess;
  dataDir: string;
  /** `Authorization: Bearer …` of an account made for the test. */
  auth: Record<string, string>;
  /** Bearer header for /api/metrics. */
  metricsAuth: Record<string, string>;
  /** What the server printed so far (stdout and stderr, the last 8000 characters). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * The built production server (`node dist/server.mjs`, Next loaded, as the README runs it) on an
 * empty data directory of its own. `PROD_SERVER_ENTRY` runs another bundle of it (to compare an
 * older build); a missing build is an error, never a skip, because the test command builds first.
 */
export async function startProductionServer(extraEnv: Record<string, string> = {}): Promise<ProductionServer> {
  const entry = path.resolve(root, process.env.PROD_SERVER_ENTRY ?? "dist/server.mjs");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "yunpan-prod-test-"));
  const port = await freePort();
  const metricsToken = "prod-test-metrics-token";
  const nodeArgs = process.env.PROD_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      AUTH_SECRET: "prod-test-secret-0123456789abcdef0123456789abcdef",
      METRICS_TOKEN: metricsToken,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(dataDir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode) return done();
      const timer = setTimeout(() => child.kill("SIGKILL"), 6000);
      child.once("exit", () => {
        clearTimeout(timer);
        done();
      });
      child.kill("SIGTERM");
    });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${entry} exited with ${child.exitCode}:\n${output}`);
    }
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${entry} did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    const env = { DATA_DIR: dataDir };
    const email = "prod-test@example.com";
    await runAdminCli(env, ["create-user", "--email", email, "--password", "prod-test-password-0123"]);
    const { token } = (await runAdminCli(env, ["create-token", "--email", email, "--name", "prod-test"])) as { token: string };
    return { url, child, dataDir, auth: { Authorization: `Bearer ${token}` }, metricsAuth: { Authorization: `Bearer ${metricsToken}` }, log: () => output, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A counter or gauge from the server's Prometheus text (`name{labels} value`), summed over matching lines. */
export async function readMetric(server: ProductionServer, name: string, labels = ""): Promise<number> {
  const res = await fetch(`${server.url}/api/metrics`, { headers: server.metricsAuth });
  if (!res.ok) throw new Error(`/api/metrics: ${res.status}`);
  const text = await res.text();
  let sum = 0;
  let seen = false;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || !line.includes(labels)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    sum += Number(m[3]);
    seen = true;
  }
  if (!seen) throw new Error(`/api/metrics has no ${name}${labels}`);
  return sum;
}
