// /api/metrics read by a real Prometheus text parser (Debian's python3-prometheus-client) counts
// an upload; the JSON log of a sign-in with a wrong password, run through next-auth's own handler,
// carries request ids and no password; METRICS_TOKEN guards the endpoint.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import NextAuth from "next-auth/next";
import pino from "pino";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { createTestUser } from "@/server/test/factories";
import { createTestToken, TEST_NEXTAUTH_SECRET } from "@/server/test/http-harness";
import { handleByteRoute } from "@/server/runtime/byte-routes";
import { observeRequest } from "@/server/runtime/request-log";
import { RequestIdResponse } from "@/server/runtime/request-id-response";
import { logger } from "@/server/log/logger";
import { authOptions } from "@/server/auth/auth-options";
import { parseCookies } from "@/server/auth/request-auth";

useTestDatabase();

const lines: string[] = [];
let server: http.Server<typeof http.IncomingMessage, typeof RequestIdResponse>;
let base = "";

/** next-auth's API-route handler on a plain Node request, as Next's pages router would call it. */
async function nextAuthRoute(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? "/", "http://x");
  let body = "";
  for await (const chunk of req) body += chunk;
  const r = Object.assign(req, {
    query: { ...Object.fromEntries(url.searchParams), nextauth: url.pathname.replace(/^\/api\/auth\//, "").split("/") },
    body: Object.fromEntries(new URLSearchParams(body)),
    cookies: parseCookies(req.headers.cookie),
  });
  const w = Object.assign(res, {
    status: (code: number) => ((res.statusCode = code), w),
    json: (value: unknown) => (res.setHeader("Content-Type", "application/json"), res.end(JSON.stringify(value))),
    send: (value: unknown) => res.end(typeof value === "string" ? value : JSON.stringify(value ?? "")),
  });
  await NextAuth(r as never, w as never, authOptions);
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = TEST_NEXTAUTH_SECRET;
  process.env.NEXTAUTH_URL = "http://127.0.0.1";
  authOptions.secret = TEST_NEXTAUTH_SECRET;
  // The process logger, writing into this array instead of stdout (its configuration unchanged).
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
  logger.level = "debug";
  // The production server's response class (boot.ts), which adds X-Request-Id as headers are written.
  server = http.createServer({ ServerResponse: RequestIdResponse }, (req, res) => {
    req.headers["x-yunpan-client-ip"] = req.socket.remoteAddress ?? "";
    observeRequest(req, res, () => {
      if (handleByteRoute(req, res)) return;
      if (req.url?.startsWith("/api/auth/")) return void nextAuthRoute(req, res);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  logger.level = "silent";
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number | null;
}

/** Parses the exposition with prometheus_client's parser; throws on anything it cannot read. */
function parsePrometheus(text: string): Sample[] {
  const code = [
    "import sys, json",
    "from prometheus_client.parser import text_string_to_metric_families",
    "out = [{'name': s.name, 'labels': s.labels, 'value': (s.value if s.value == s.value else None)} for f in text_string_to_metric_families(sys.stdin.read()) for s in f.samples]",
    "print(json.dumps(out))",
  ].join("\n");
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", code], { input: text, encoding: "utf8" })) as Sample[];
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + (s.value ?? 0), 0);

test("the metrics parse as Prometheus text and count an upload, its bytes and its requests", async () => {
  const { actor } = await createTestUser();
  const { headers } = await createTestToken(actor);
  const before = parsePrometheus(await (await fetch(`${base}/api/metrics`)).text());
  const bytes = randomBytes(300_000);
  const create = await fetch(`${base}/api/upload`, {
    method: "POST",
    headers: { ...headers, "Tus-Resumable": "1.0.0", "Upload-Length": String(bytes.length), "Upload-Metadata": `filename ${Buffer.from("m.bin").toString("base64")}` },
  });
  expect(create.status).toBe(201);
  const patch = await fetch(new URL(create.headers.get("location")!, base), {
    method: "PATCH",
    headers: { ...headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
    body: bytes,
  });
  expect(patch.status).toBe(204);
  const nodeId = patch.headers.get("upload-node-id")!;
  const download = await fetch(`${base}/api/files/${nodeId}/content`, { headers });
  expect((await download.arrayBuffer()).byteLength).toBe(bytes.length);

  let after: Sample[] = [];
  const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
  // A request is recorded when its response closes, which on a loaded machine can come after the
  // client has read the last byte (run 18 scraped before it): scrape until the download is in.
  await vi.waitFor(
    async () => {
      const res = await fetch(`${base}/api/metrics`);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      after = parsePrometheus(await res.text());
      expect(delta("yunpan_http_request_duration_seconds_count", { route: "/api/files/:id/content", status: "200" })).toBe(1);
    },
    { timeout: 30_000, interval: 100 },
  );
  expect(delta("yunpan_upload_bytes_total")).toBe(bytes.length);
  expect(delta("yunpan_uploads_completed_total")).toBe(1);
  expect(delta("yunpan_download_bytes_total")).toBeGreaterThanOrEqual(bytes.length);
  expect(delta("yunpan_http_requests_total", { route: "/api/upload", method: "POST", status: "201" })).toBe(1);
  expect(delta("yunpan_http_requests_total", { route: "/api/upload/:id", method: "PATCH", status: "204" })).toBe(1);
  expect(delta("yunpan_http_request_duration_seconds_count", { route: "/api/files/:id/content", status: "200" })).toBe(1);
  expect(after.some((s) => s.name === "yunpan_active_uploads")).toBe(true);
  expect(after.some((s) => s.name === "yunpan_process_resident_memory_bytes")).toBe(true);
});

test("with METRICS_TOKEN, /api/metrics answers only the bearer of it", async () => {
  await withTestEnv({ METRICS_TOKEN: "scrape-secret-123" }, async () => {
    expect((await fetch(`${base}/api/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/api/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(`${base}/api/metrics`, { headers: { Authorization: "Bearer scrape-secret-123" } });
    expect(ok.status).toBe(200);
    expect(parsePrometheus(await ok.text()).length).toBeGreaterThan(10);
  });
});

test("a sign-in with a wrong password logs JSON lines with a request id and never the password", async () => {
  const { user } = await createTestUser({ password: "the right password 123" });
  const wrong = "Hunter2-wrong-Passphrase-" + randomBytes(6).toString("hex");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  lines.length = 0;
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", cookie, "User-Agent": "log-test" },
    body: new URLSearchParams({ csrfToken, email: user.email, password: wrong, json: "true" }).toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(401);
  const requestId = res.headers.get("x-request-id");
  expect(requestId).toMatch(/^[\w.-]{8,64}$/);
  await new Promise((r) => setTimeout(r, 50));
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const access = entries.find((e) => e.msg === "request" && e.route === "/api/auth");
  expect(access).toMatchObject({ reqId: requestId, method: "POST", status: 401 });
  const all = lines.join("\n");
  expect(all).not.toContain(wrong);
  expect(all).not.toContain(encodeURIComponent(wrong));
  expect(all).not.toContain(csrfToken);
  // The failure itself is audited, with the client's address, and without the password either.
  const { getPrisma } = await import("@/server/db/client");
  const event = await (await getPrisma()).auditEvent.findFirstOrThrow({ where: { action: "auth.signin.failure", targetId: user.id } });
  expect(event.ip).toBe("127.0.0.1");
  expect(JSON.stringify(event)).not.toContain(wrong);
});

test("log lines during a signed-in request carry its request id and user id; secrets in logged objects are redacted", async () => {
  const { actor } = await createTestUser();
  const { headers, token } = await createTestToken(actor);
  lines.length = 0;
  const res = await fetch(`${base}/api/files/00000000-0000-4000-8000-000000000000/content`, { headers: { ...headers, "X-Request-Id": "trace-abcdef12" } });
  expect(res.status).toBe(404);
  expect(res.headers.get("x-request-id")).toBe("trace-abcdef12");
  await new Promise((r) => setTimeout(r, 50));
  const access = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.msg === "request");
  expect(access).toMatchObject({ reqId: "trace-abcdef12", userId: actor.userId, route: "/api/files/:id/content", status: 404 });
  logger.info({ password: "p4ss", headers: { authorization: `Bearer ${token}`, cookie: "s=1" }, token }, "careless");
  expect(lines.join("\n")).not.toMatch(/p4ss|ypt_|s=1/);
});
