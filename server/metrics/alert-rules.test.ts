// The shipped alert rules (deploy/prometheus) are valid for promtool, pass their unit tests (each
// alert fires on the series meant to fire it and stays silent on the others), and a broken rule or
// a changed threshold fails: promtool from Debian's `prometheus` package, never skipped.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, expect, test } from "vitest";
import { ALERT_RULES, ALERT_TESTS, alertRules, dashboardExpressions, metricNamesIn } from "@/server/test/metric-references";

const promtool = (...args: string[]) => spawnSync("promtool", args, { encoding: "utf8", cwd: path.dirname(ALERT_RULES) });
const tmp = mkdtempSync(path.join(os.tmpdir(), "yunpan-rules-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the rules and their tests in a temp dir, with `edit` applied to the rules. */
function brokenCopy(edit: (rules: string) => string): string {
  const rules = readFileSync(ALERT_RULES, "utf8");
  const edited = edit(rules);
  expect(edited).not.toBe(rules);
  writeFileSync(path.join(tmp, "yunpan-alerts.yml"), edited);
  copyFileSync(ALERT_TESTS, path.join(tmp, "yunpan-alerts.test.yml"));
  return tmp;
}

test("promtool check rules accepts the rule file", () => {
  const r = promtool("check", "rules", ALERT_RULES);
  expect(r.error, "promtool is missing: apt-get install prometheus").toBeUndefined();
  expect(r.stdout + r.stderr).toMatch(/SUCCESS: \d+ rules found/);
  expect(r.status).toBe(0);
});

test("promtool test rules: every alert fires on its series and stays silent on the others", () => {
  const r = promtool("test", "rules", ALERT_TESTS);
  expect(r.stdout + r.stderr).toContain("SUCCESS");
  expect(r.status).toBe(0);
});

test("every alert has a severity, a summary, a runbook, and both a firing and a silent test case", () => {
  const cases = (parse(readFileSync(ALERT_TESTS, "utf8")) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] }).tests.flatMap((t) => t.alert_rule_test);
  const rules = alertRules();
  expect(rules.length).toBeGreaterThanOrEqual(10);
  for (const r of rules) {
    expect(["critical", "warning", "info"], r.alert).toContain(r.labels?.severity);
    expect(r.annotations?.summary, r.alert).toBeTruthy();
    expect(r.annotations?.runbook?.length ?? 0, r.alert).toBeGreaterThan(60);
    expect(cases.some((c) => c.alertname === r.alert && c.exp_alerts.length > 0), `${r.alert} fires in a test`).toBe(true);
    expect(cases.some((c) => c.alertname === r.alert && c.exp_alerts.length === 0), `${r.alert} stays silent in a test`).toBe(true);
    expect(metricNamesIn(r.expr).length, `${r.alert} reads a metric`).toBeGreaterThan(0);
  }
  const names = rules.map((r) => r.alert);
  for (const wanted of ["YunpanHigh5xxRatio", "YunpanHighLatencyP99", "YunpanUploadsFailing", "YunpanJobQueueGrowing", "YunpanJobQueueStuck", "YunpanWebhooksFailing", "YunpanDatabaseDown", "YunpanStorageDown", "YunpanMemoryGrowth"]) {
    expect(names).toContain(wanted);
  }
});

test("a rule that does not parse fails promtool check rules", () => {
  const dir = brokenCopy((rules) => rules.replace("max(yunpan_job_queue_oldest_due_seconds) > 900", "max(yunpan_job_queue_oldest_due_seconds > 900"));
  const r = promtool("check", "rules", path.join(dir, "yunpan-alerts.yml"));
  expect(r.status).not.toBe(0);
  expect(r.stdout + r.stderr).toMatch(/unclosed|parse error|unexpected/i);
});

test("a changed threshold fails promtool test rules", () => {
  const dir = brokenCopy((rules) => rules.replace("max(yunpan_job_queue_oldest_due_seconds) > 900", "max(yunpan_job_queue_oldest_due_seconds) > 9000"));
  const r = spawnSync("promtool", ["test", "rules", "yunpan-alerts.test.yml"], { encoding: "utf8", cwd: dir });
  expect(r.status).not.toBe(0);
  expect(r.stdout + r.stderr).toContain("alertname: YunpanJobQueueStuck");
});

test("metric names are read from expressions, label values aside", () => {
  expect(metricNamesIn('sum(rate(yunpan_http_requests_total{route=~"/api/upload.*",status=~"5.."}[5m])) / sum(rate(yunpan_http_requests_total[5m]))')).toEqual(["yunpan_http_requests_total"]);
  expect(metricNamesIn('up{job="yunpan"} == 0 and min(yunpan_dependency_up{dependency="up"}) == 0')).toEqual(["up", "yunpan_dependency_up"]);
  expect(metricNamesIn("label_values(yunpan_http_requests_total, job)")).toEqual(["yunpan_http_requests_total"]);
  // The dashboard reads something in every panel.
  const exprs = dashboardExpressions();
  expect(exprs.length).toBeGreaterThan(20);
  for (const e of exprs) expect(metricNamesIn(e).length, e).toBeGreaterThan(0);
});

test("the example scrape configuration loads the rules and passes promtool check config", () => {
  const r = promtool("check", "config", path.join(path.dirname(ALERT_RULES), "prometheus.example.yml"));
  expect(r.stdout + r.stderr).toContain("SUCCESS");
  expect(r.status).toBe(0);
  expect(execFileSync("promtool", ["--version"], { encoding: "utf8" })).toMatch(/promtool, version 2\./);
});
