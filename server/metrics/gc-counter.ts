import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import client from "prom-client";

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};

/**
 * yunpan_gc_total{kind}: every garbage collection of the process, counted from perf_hooks 'gc'
 * entries. prom-client's own nodejs_gc_duration_seconds observes only the first entry of each
 * batch the observer delivers, so it undercounts exactly when collections come back to back (the
 * mark-compact crawl a fresh buffer per download chunk caused; shared notes, baselines.md).
 */
export function registerGcCounter(registry: client.Registry) {
  const counter = new client.Counter({
    name: "yunpan_gc_total",
    help: "Garbage collections by kind (major = mark-compact, minor = scavenge, incremental, weakcb)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  for (const kind of Object.values(KINDS)) counter.inc({ kind }, 0);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) counter.inc({ kind: KINDS[gcKindOf(entry)] ?? "other" });
  });
  observer.observe({ entryTypes: ["gc"] });
  return counter;
}

function gcKindOf(entry: PerformanceEntry): number {
  // Node >= 16 puts the kind in `detail` (the typings of PerformanceEntry lag behind).
  return ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind) ?? -1;
}
