// The metrics the dashboard and the alert rules read, moved by the real code paths: the job queue
// (read from the database at scrape time), webhook delivery outcomes and failing hooks, open event
// streams, dependency checks (a failing check is 0 and the scrape still answers).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestUser } from "@/server/test/factories";
import { enqueueJob } from "@/server/jobs/queue";
import { getMetrics, registerDependencyProbe } from "@/server/metrics/metrics";
import { deliverDue, fanOutChanges, MAX_ATTEMPTS, runWebhooksOnce } from "@/server/webhooks/webhook-delivery";
import { addStream } from "@/server/changes/stream-hub";

useTestDatabase({ env: { WEBHOOK_ALLOW_PRIVATE: "true" } });

/** One metric's samples after a fresh collect, as {labels → value}. */
async function read(name: string): Promise<{ labels: Record<string, string | number>; value: number }[]> {
  const metric = getMetrics().registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map((v) => ({ labels: v.labels as Record<string, string | number>, value: v.value }));
}
const valueOf = async (name: string, labels: Record<string, string> = {}) =>
  (await read(name)).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

let receiver: http.Server;
let url = "";
beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(503).end("down"));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await fanOutChanges(); // the fan-out cursor starts at the present
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

test("job queue depth by state and the age of the oldest due job", async () => {
  expect(await valueOf("yunpan_job_queue_oldest_due_seconds")).toBe(0);
  await enqueueJob("metrics.test", {}, { runAt: new Date(Date.now() - 600_000) });
  await enqueueJob("metrics.test", {}, { runAt: new Date(Date.now() - 5_000) });
  await enqueueJob("metrics.test", {}, { runAt: new Date(Date.now() + 3600_000) });
  expect(await valueOf("yunpan_job_queue_depth", { state: "due" })).toBe(2);
  expect(await valueOf("yunpan_job_queue_depth", { state: "scheduled" })).toBe(1);
  expect(await valueOf("yunpan_job_queue_depth", { state: "running" })).toBe(0);
  const age = await valueOf("yunpan_job_queue_oldest_due_seconds");
  expect(age).toBeGreaterThanOrEqual(600);
  expect(age).toBeLessThan(3600);
});

test("webhook deliveries count by outcome; a hook that used every attempt is counted as failing", async () => {
  const before = { retry: await valueOf("yunpan_webhook_deliveries_total", { outcome: "retry" }), failed: await valueOf("yunpan_webhook_deliveries_total", { outcome: "failed" }) };
  expect(await valueOf("yunpan_webhooks_failing")).toBe(0);
  const owner = await createTestUser();
  const api = callerFor(owner.actor);
  await api.webhooks.create({ url, kinds: ["folder.created"] });
  await api.drive.createFolder({ name: "Metrics" });
  await runWebhooksOnce();
  expect(await valueOf("yunpan_webhook_deliveries_total", { outcome: "retry" })).toBe(before.retry + 1);
  for (let i = 2; i <= MAX_ATTEMPTS; i++) expect(await deliverDue({ now: new Date(Date.now() + 30 * i * 3600_000) })).toBe(1);
  expect(await valueOf("yunpan_webhook_deliveries_total", { outcome: "retry" })).toBe(before.retry + MAX_ATTEMPTS - 1);
  expect(await valueOf("yunpan_webhook_deliveries_total", { outcome: "failed" })).toBe(before.failed + 1);
  expect(await valueOf("yunpan_webhooks_failing")).toBe(1);
});

test("open event streams are counted while they are open", async () => {
  const base = await valueOf("yunpan_event_stream_clients");
  const handle = { heartbeat() {}, reread() {} };
  const closeA = addStream(handle);
  const closeB = addStream({ heartbeat() {}, reread() {} });
  expect(await valueOf("yunpan_event_stream_clients")).toBe(base + 2);
  closeA();
  closeA(); // closing twice changes nothing
  expect(await valueOf("yunpan_event_stream_clients")).toBe(base + 1);
  closeB();
  expect(await valueOf("yunpan_event_stream_clients")).toBe(base);
});

test("a dependency whose check fails or hangs reads 0, and the scrape still answers", async () => {
  registerDependencyProbe("test-ok", async () => {});
  registerDependencyProbe("test-broken", async () => {
    throw new Error("connection refused");
  });
  registerDependencyProbe("test-hanging", () => new Promise(() => {}));
  const text = await getMetrics().registry.metrics();
  expect(text).toMatch(/^yunpan_dependency_up\{dependency="test-ok"\} 1$/m);
  expect(text).toMatch(/^yunpan_dependency_up\{dependency="test-broken"\} 0$/m);
  expect(text).toMatch(/^yunpan_dependency_up\{dependency="test-hanging"\} 0$/m);
  expect(text).toMatch(/^yunpan_job_queue_depth\{state="due"\} \d+$/m);
  getMetrics().dependencyProbes.clear();
});
