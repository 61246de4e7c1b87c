import { monitorEventLoopDelay } from "node:perf_hooks";
import client from "prom-client";

/**
 * How often the event loop's delay is sampled. Every sample is a timer that wakes an idle
 * process: prom-client's default (10 ms) was ~90 wake-ups a second and most of an idle server's
 * CPU (measured with dist/server.mjs on PGlite). At 100 ms a stall of the alert's size (0.5 s)
 * still shows in p99.
 */
export const LAG_RESOLUTION_MS = 100;

/** What prom-client is told so its own sampler never fires (2^31-1 ms, the longest timer). */
export const PROM_CLIENT_LAG_PRECISION_MS = 2 ** 31 - 1;

const STATS = ["min", "max", "mean", "stddev", "p50", "p90", "p99"] as const;

/**
 * yunpan_nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds under prom-client's names
 * (the dashboard and the alert read them), from a sampler of our own: each value is how late a
 * sample came beyond its period (prom-client's included the period itself), since the last scrape.
 */
export function registerEventLoopLag(registry: client.Registry, prefix: string): void {
  const histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  histogram.enable();
  const period = LAG_RESOLUTION_MS / 1000;
  const late = (ns: number) => (histogram.count === 0 ? 0 : Math.max(0, ns / 1e9 - period));
  const read: Record<(typeof STATS)[number], () => number> = {
    min: () => late(histogram.min),
    max: () => late(histogram.max),
    mean: () => late(histogram.mean),
    stddev: () => (histogram.count === 0 ? 0 : histogram.stddev / 1e9),
    p50: () => late(histogram.percentile(50)),
    p90: () => late(histogram.percentile(90)),
    p99: () => late(histogram.percentile(99)),
  };
  let values: Record<string, number> | null = null;
  for (const stat of STATS) {
    const name = `${prefix}nodejs_eventloop_lag_${stat}_seconds`;
    registry.removeSingleMetric(name);
    new client.Gauge({
      name,
      help: `The ${stat} of the event loop's delay beyond its ${LAG_RESOLUTION_MS} ms sampling period, since the last scrape.`,
      registers: [registry],
      collect() {
        // The first gauge of a scrape reads every value, the last resets the histogram.
        values ??= Object.fromEntries(STATS.map((s) => [s, read[s]()]));
        this.set(values[stat]!);
        if (stat === STATS[STATS.length - 1]) {
          values = null;
          histogram.reset();
        }
      },
    });
  }
}
