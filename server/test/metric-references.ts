// What the shipped dashboard and alert rules ask Prometheus for: their PromQL expressions and the
// metric names in them, so tests can prove every one exists on a scraped server.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const ALERT_RULES = path.join(repoRoot, "deploy/prometheus/yunpan-alerts.yml");
export const ALERT_TESTS = path.join(repoRoot, "deploy/prometheus/yunpan-alerts.test.yml");
export const DASHBOARD = path.join(repoRoot, "deploy/grafana/yunpan-dashboard.json");

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(file = ALERT_RULES): AlertRule[] {
  const doc = parse(readFileSync(file, "utf8")) as { groups: { rules: AlertRule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** Every PromQL expression of the dashboard: panel targets and the variables' label_values queries. */
export function dashboardExpressions(file = DASHBOARD): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v)) {
      if ((k === "expr" || k === "definition") && typeof x === "string") out.push(x);
      else walk(x);
    }
  };
  walk(JSON.parse(readFileSync(file, "utf8")));
  return out;
}

/**
 * The metric names an expression reads: Yunpan's (all prefixed yunpan_) and Prometheus's own `up`.
 * Quoted strings (label values, such as route="/api/upload") are dropped first.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set([...bare.matchAll(/\b(yunpan_[a-z0-9_]+|up)\b(?!\s*\()/g)].map((m) => m[1]!))];
}
