// Profiles on demand: GET /api/admin/debug/profile and /heap on the byte routes, admin only (401
// without a session, 403 for a user, like the audit CSV), one at a time (409, en/zh), audited.
import { afterAll, beforeAll, expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { getPrisma } from "@/server/db/client";
import { translate } from "@/server/i18n/messages";

useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http.close());

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

async function adminHeaders() {
  const admin = await createTestUser({ role: "ADMIN" });
  return { admin, headers: (await createTestToken(admin.actor)).headers };
}

test("a user gets 403 and nobody 401, on both endpoints; a cross-site browser request is refused", async () => {
  const bob = await createTestUser();
  const { headers: bobAuth } = await createTestToken(bob.actor);
  const { headers } = await adminHeaders();
  for (const path of ["/api/admin/debug/profile?seconds=1", "/api/admin/debug/heap"]) {
    expect((await fetch(http.baseUrl + path)).status).toBe(401);
    const refused = await fetch(http.baseUrl + path, { headers: bobAuth });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toBe(translate("auth.adminOnly", "en"));
    expect((await fetch(http.baseUrl + path, { headers: { ...headers, "Sec-Fetch-Site": "cross-site" } })).status).toBe(403);
  }
  const events = await (await getPrisma()).auditEvent.count({ where: { action: { startsWith: "admin.debug." }, actorId: bob.user.id } });
  expect(events).toBe(0);
});

test("the length is bounded: 0, 61 and words are 400 with the rule in the message", async () => {
  const { headers } = await adminHeaders();
  for (const s of ["0", "61", "abc", "1.5", "-3"]) {
    const res = await fetch(`${http.baseUrl}/api/admin/debug/profile?seconds=${s}`, { headers: { ...headers, "Accept-Language": "zh-CN" } });
    expect(res.status, s).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(translate("debug.seconds", "zh", { max: 60 }));
  }
});

test("an admin's 2-second profile is a V8 .cpuprofile naming the server's frames; a second request meanwhile is 409 in en and zh; both are audited", async () => {
  const { admin, headers } = await adminHeaders();
  const started = Date.now();
  const profiling = fetch(`${http.baseUrl}/api/admin/debug/profile?seconds=2`, { headers });
  // Work for the profile to see while it runs: metrics scrapes and health checks run server code.
  let conflictsChecked = false;
  while (Date.now() - started < 1800) {
    if (!conflictsChecked && Date.now() - started > 300) {
      const again = await fetch(`${http.baseUrl}/api/admin/debug/profile?seconds=1`, { headers });
      expect(again.status).toBe(409);
      expect(((await again.json()) as { message: string }).message).toBe(translate("debug.busy", "en"));
      const heap = await fetch(`${http.baseUrl}/api/admin/debug/heap`, { headers: { ...headers, "Accept-Language": "zh" } });
      expect(heap.status).toBe(409);
      expect(((await heap.json()) as { message: string }).message).toBe("本服务器正在采集 CPU 性能分析或堆快照，请等它完成后再试。");
      conflictsChecked = true;
    }
    await (await fetch(`${http.baseUrl}/api/metrics`)).text();
    await (await fetch(`${http.baseUrl}/api/health`)).text();
  }
  const res = await profiling;
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="yunpan-[\dTZ-]+\.cpuprofile"$/);
  const profile = (await res.json()) as CpuProfile;
  expect(profile.nodes.length).toBeGreaterThan(10);
  expect(profile.samples.length).toBe(profile.timeDeltas.length);
  expect(profile.samples.length).toBeGreaterThan(50);
  expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(1_900_000); // µs
  const ids = new Set(profile.nodes.map((n) => n.id));
  expect(profile.samples.every((s) => ids.has(s))).toBe(true);
  expect(profile.nodes.some((n) => n.callFrame.url.includes("/server/"))).toBe(true);

  const event = await (await getPrisma()).auditEvent.findFirstOrThrow({ where: { action: "admin.debug.profile", actorId: admin.user.id } });
  expect(event.data).toMatchObject({ seconds: 2, pid: process.pid });
  expect(event.ip).toBe("127.0.0.1");
  // The slot is free again.
  const next = await fetch(`${http.baseUrl}/api/admin/debug/profile?seconds=1`, { headers });
  expect(next.status).toBe(200);
  await next.arrayBuffer();
});

test("a heap snapshot streams whole with its length, starts with the snapshot header, and is audited; a caller who hangs up frees the slot", async () => {
  const { admin, headers } = await adminHeaders();
  const res = await fetch(`${http.baseUrl}/api/admin/debug/heap`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="yunpan-[\dTZ-]+\.heapsnapshot"$/);
  const length = Number(res.headers.get("content-length"));
  expect(length).toBeGreaterThan(1_000_000);
  let head = "";
  let received = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (head.length < 200) head += Buffer.from(chunk).toString("utf8", 0, 200);
    received += chunk.byteLength;
  }
  expect(head).toMatch(/^\{"snapshot":\{"meta":\{"node_fields":\["type","name","id","self_size"/);
  expect(received).toBe(length);
  const event = await (await getPrisma()).auditEvent.findFirstOrThrow({ where: { action: "admin.debug.heap", actorId: admin.user.id } });
  expect(event.data).toMatchObject({ pid: process.pid });

  // Read a little of another snapshot and hang up: the next request is served, not refused.
  const abort = new AbortController();
  const partial = await fetch(`${http.baseUrl}/api/admin/debug/heap`, { headers, signal: abort.signal });
  expect(partial.status).toBe(200);
  const reader = partial.body!.getReader();
  await reader.read();
  abort.abort();
  await reader.cancel().catch(() => {});
  await expect.poll(async () => {
    const r = await fetch(`${http.baseUrl}/api/admin/debug/profile?seconds=1`, { headers });
    await r.arrayBuffer();
    return r.status;
  }, { timeout: 30_000, interval: 200 }).toBe(200);
});
