// A real Prometheus (Debian's `prometheus` package) scrapes a running Yunpan (the byte server: the
// full runtime, jobs and queue included, without Next) on loopback, loads the shipped alert rules,
// and has every metric the dashboard and the rules name: a renamed or dropped metric fails here.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freePort, startServerProcess } from "@/server/test/server-process";
import { ALERT_RULES, alertRules, dashboardExpressions, metricNamesIn } from "@/server/test/metric-references";

const tmp = mkdtempSync(path.join(os.tmpdir(), "yunpan-prom-"));
const token = randomBytes(16).toString("hex");
let yunpan: Awaited<ReturnType<typeof startServerProcess>>;
let prometheus: ChildProcess;
let promUrl = "";
let promOutput = "";

async function promApi<T>(apiPath: string): Promise<T> {
  const res = await fetch(`${promUrl}${apiPath}`);
  const body = (await res.json()) as { status: string; data: T };
  expect(body.status, apiPath).toBe("success");
  return body.data;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe().catch(() => null);
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${promOutput.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  yunpan = await startServerProcess({ DATA_DIR: path.join(tmp, "data"), METRICS_TOKEN: token });
  // A request of each kind the dashboard splits by, before the first scrape.
  await (await fetch(`${yunpan.url}/api/health`)).text();
  await (await fetch(`${yunpan.url}/api/files/00000000-0000-4000-8000-000000000000/content`)).text();
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(path.join(tmp, "token"), token);
  writeFileSync(
    path.join(tmp, "prometheus.yml"),
    [
      "global: { scrape_interval: 1s, evaluation_interval: 1s }",
      `rule_files: [${JSON.stringify(ALERT_RULES)}]`,
      "scrape_configs:",
      "  - job_name: yunpan",
      "    metrics_path: /api/metrics",
      `    authorization: { credentials_file: ${JSON.stringify(path.join(tmp, "token"))} }`,
      `    static_configs: [{ targets: ["${new URL(yunpan.url).host}"] }]`,
    ].join("\n"),
  );
  prometheus = spawn(
    "prometheus",
    [`--config.file=${path.join(tmp, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(tmp, "tsdb")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  prometheus.stdout!.on("data", (d) => (promOutput += d));
  prometheus.stderr!.on("data", (d) => (promOutput += d));
  prometheus.once("error", (e) => (promOutput += `\nspawn failed: ${e.message} (apt-get install prometheus)`));
  await until("Prometheus to be ready", async () => (await fetch(`${promUrl}/-/ready`)).ok);
});

afterAll(async () => {
  if (prometheus?.exitCode === null) {
    const exited = new Promise((r) => prometheus.once("exit", r));
    prometheus.kill("SIGTERM");
    await exited;
  }
  await yunpan?.kill();
  rmSync(tmp, { recursive: true, force: true });
});

test("Prometheus scrapes Yunpan with the metrics token and has every metric the dashboard and the alert rules name", async () => {
  // Two scrapes at least, so counters and rates have something to work on.
  await until("two successful scrapes", async () => {
    const { result } = await promApi<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent('count_over_time(up{job="yunpan"}[1m])')}`);
    return Number(result[0]?.value[1] ?? 0) >= 2;
  });
  const targets = await promApi<{ activeTargets: { health: string; lastError: string; scrapeUrl: string }[] }>("/api/v1/targets");
  expect(targets.activeTargets).toHaveLength(1);
  expect(targets.activeTargets[0]).toMatchObject({ health: "up", lastError: "" });

  const present = new Set(await promApi<string[]>("/api/v1/label/__name__/values"));
  const referenced = new Map<string, string>();
  for (const e of dashboardExpressions()) for (const name of metricNamesIn(e)) referenced.set(name, `dashboard: ${e}`);
  for (const r of alertRules()) for (const name of metricNamesIn(r.expr)) referenced.set(name, `alert ${r.alert}`);
  expect(referenced.size).toBeGreaterThan(15);
  const missing = [...referenced].filter(([name]) => !present.has(name)).map(([name, where]) => `${name} (${where})`);
  expect(missing).toEqual([]);
  // The check can fail: a name Yunpan does not export is not in Prometheus.
  expect(present.has("yunpan_no_such_metric_total")).toBe(false);

  // Health as Prometheus sees it: both dependencies up, nothing failing, no alert firing.
  const up = await promApi<{ result: { metric: { dependency: string }; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent("yunpan_dependency_up")}`);
  expect(Object.fromEntries(up.result.map((r) => [r.metric.dependency, r.value[1]]))).toEqual({ database: "1", storage: "1" });
});

test("Prometheus loads every shipped alert rule and evaluates it without error", async () => {
  const names = alertRules().map((r) => r.alert);
  const rules = await until("the rules to be evaluated", async () => {
    const data = await promApi<{ groups: { rules: { name: string; health: string; lastError?: string; lastEvaluation: string }[] }[] }>("/api/v1/rules?type=alert");
    const all = data.groups.flatMap((g) => g.rules);
    return all.length === names.length && all.every((r) => !r.lastEvaluation.startsWith("0001")) ? all : null;
  });
  expect(rules.map((r) => r.name).sort()).toEqual([...names].sort());
  for (const r of rules) expect({ name: r.name, health: r.health, lastError: r.lastError ?? "" }).toEqual({ name: r.name, health: "ok", lastError: "" });
  const firing = await promApi<{ alerts: { labels: { alertname: string }; state: string }[] }>("/api/v1/alerts");
  expect(firing.alerts.filter((a) => a.state === "firing").map((a) => a.labels.alertname)).toEqual([]);
});
