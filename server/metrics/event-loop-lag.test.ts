import { expect, test } from "vitest";
import client from "prom-client";
import { LAG_RESOLUTION_MS, PROM_CLIENT_LAG_PRECISION_MS, registerEventLoopLag } from "@/server/metrics/event-loop-lag";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function lag(registry: client.Registry): Promise<Record<string, number>> {
  const json = await registry.getMetricsAsJSON();
  const stats = json.map((m) => [/^t_nodejs_eventloop_lag_(\w+)_seconds$/.exec(m.name)?.[1], m.values[0]?.value ?? NaN] as const);
  return Object.fromEntries(stats.filter(([stat]) => stat));
}

test("event-loop lag keeps prom-client's names, counts a stall beyond the sampling period, and resets per scrape", async () => {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "t_", eventLoopMonitoringPrecision: PROM_CLIENT_LAG_PRECISION_MS });
  registerEventLoopLag(registry, "t_");
  expect(Object.keys(await lag(registry)).sort()).toEqual(["max", "mean", "min", "p50", "p90", "p99", "stddev"]);

  // An idle loop: samples come on time, so the delay beyond the period is near zero.
  await sleep(LAG_RESOLUTION_MS * 5);
  const idle = await lag(registry);
  expect(idle.p50).toBeLessThan(0.05);

  // A 400 ms stall: the sample after it comes that late.
  await sleep(LAG_RESOLUTION_MS * 2);
  const until = Date.now() + 400;
  while (Date.now() < until);
  await sleep(LAG_RESOLUTION_MS * 2);
  const stalled = await lag(registry);
  expect(stalled.max).toBeGreaterThan(0.25);
  expect(stalled.p99).toBeGreaterThan(0.25);

  // The scrape reset the histogram: the stall is not reported twice.
  await sleep(LAG_RESOLUTION_MS * 5);
  expect((await lag(registry)).max).toBeLessThan(0.1);
});
