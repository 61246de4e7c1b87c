// OpenTelemetry end to end: the SDK started as the server starts it (OTEL_* variables), exporting
// OTLP/HTTP JSON to a receiver written here on loopback, which decodes exactly what the exporter
// sent. Batching never decides an outcome: every check flushes the exporter first.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger } from "@/server/log/logger";
import { RedisChangeBus } from "@/server/events/redis-change-bus";
import { enqueueJob, registerJobHandler, runQueueOnce } from "@/server/jobs/queue";
import { setBlobStoreForTests } from "@/server/storage/blob-store-factory";
import { S3BlobStore } from "@/server/storage/s3-blob-store";
import { callerFor, createTestUser, TEST_PASSWORD } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { startRedis } from "@/server/test/redis-server";
import { s3EnvFor, testS3Settings } from "@/server/test/s3-env";
import { useTestDatabase } from "@/server/test/test-db";
import { withSpan } from "@/server/tracing/spans";
import { startTracing, type Tracing } from "@/server/tracing/tracing-sdk";
import { deliverDue } from "@/server/webhooks/webhook-delivery";

const settings = testS3Settings();
useTestDatabase({ env: { WEBHOOK_ALLOW_PRIVATE: "true", ...(settings ? s3EnvFor(settings) : {}) } });

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
  links?: { traceId: string; spanId: string }[];
}
interface OtlpExport {
  resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** An OTLP/HTTP receiver: keeps each POST /v1/traces body as sent, and the spans it decodes to. */
function otlpReceiver() {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      if (req.url === "/v1/traces" && req.headers["content-type"]?.startsWith("application/json")) bodies.push(body);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  return {
    bodies,
    spans: () => bodies.flatMap((b) => (JSON.parse(b) as OtlpExport).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))),
    start: () => new Promise<string>((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    stop: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** A webhook receiver that keeps the headers of what it got. */
function hookReceiver() {
  const got: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      got.push(req.headers);
      res.writeHead(200).end("ok");
    });
  });
  return {
    got,
    start: () => new Promise<string>((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    stop: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue ?? v?.boolValue;
};
const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** The span's ancestors within the export, nearest first. */
function ancestors(spans: OtlpSpan[], span: OtlpSpan): OtlpSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: OtlpSpan[] = [];
  for (let p = span.parentSpanId ? byId.get(span.parentSpanId) : undefined; p; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) chain.push(p);
  return chain;
}

/**
 * Flushes until the exporter has sent a span `match` accepts: a SERVER span ends when its response
 * closes on the server side, which may come a turn after the client has read the answer.
 */
async function exportedSpan(match: (s: OtlpSpan) => boolean): Promise<OtlpSpan> {
  for (let i = 0; i < 200; i++) {
    await tracing.flush();
    const found = otlp.spans().find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the span was never exported");
}

const otlp = otlpReceiver();
const hooks = hookReceiver();
const logLines: Record<string, unknown>[] = [];
let tracing: Tracing;
let harness: HttpHarness;
let hookUrl: string;
const saved = { ...process.env };
const savedLevel = logger.level;
const savedStream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
const secrets: string[] = [TEST_PASSWORD];

beforeAll(async () => {
  const endpoint = await otlp.start();
  hookUrl = await hooks.start();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  process.env.OTEL_SERVICE_NAME = "yunpan-test";
  tracing = (await startTracing())!;
  // The process logger, its lines kept here (the test command silences it otherwise).
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  logger.level = "info";
  harness = await startHttpHarness();
});

afterAll(async () => {
  await tracing?.shutdown();
  logger.level = savedLevel;
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = savedStream;
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  await harness?.close();
  await Promise.all([otlp.stop(), hooks.stop()]);
});

describe("traces", () => {
  it("a tRPC call continues the caller's traceparent, its procedures are spans, and its log lines carry the trace id", async () => {
    const { actor } = await createTestUser();
    const { headers, token } = await createTestToken(actor);
    secrets.push(token);
    const traceId = hex(16);
    const callerSpan = hex(8);
    // A batch: one procedure that answers, one that does not exist (a refusal the log records).
    const input = encodeURIComponent(JSON.stringify({ 0: { json: null }, 1: { json: null } }));
    const res = await fetch(`${harness.baseUrl}/api/trpc/auth.me,nothing.here?batch=1&input=${input}`, {
      headers: { ...headers, traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    await res.arrayBuffer();
    const server = await exportedSpan((s) => s.traceId === traceId && s.name === "GET /api/trpc");
    const spans = otlp.spans().filter((s) => s.traceId === traceId);
    expect(server.parentSpanId).toBe(callerSpan);
    const procedure = spans.find((s) => s.name === "trpc auth.me")!;
    expect(procedure).toBeDefined();
    const under = (s: OtlpSpan) => ancestors(spans, s).some((a) => a.spanId === server.spanId);
    expect(under(procedure)).toBe(true);
    // The session lookup of the call ran under it, as database spans.
    expect(spans.some((s) => s.name.startsWith("prisma:") && under(s))).toBe(true);

    const refused = logLines.find((l) => l.msg === "trpc request refused");
    expect(refused).toMatchObject({ trace_id: traceId });
    expect(spans.map((s) => s.spanId)).toContain(refused!.span_id);
  });

  it("one tus upload into S3 is one trace: the request, the database writes and the S3 calls under it", async (ctx) => {
    if (!settings) return ctx.skip("TEST_S3_ENDPOINT is unset; run under `node scripts/with-s3.mjs …` for a throwaway Ceph RGW");
    const s3 = new S3BlobStore(settings);
    setBlobStoreForTests(s3);
    const { actor } = await createTestUser();
    const { headers } = await createTestToken(actor);
    const body = randomBytes(64 * 1024);
    // creation-with-upload: the whole file in the POST that creates it, so one request does it all.
    const res = await fetch(`${harness.baseUrl}/api/upload`, {
      method: "POST",
      headers: {
        ...headers,
        "Tus-Resumable": "1.0.0",
        "Upload-Length": String(body.length),
        "Upload-Metadata": `filename ${Buffer.from("traced.bin").toString("base64")}`,
        "Content-Type": "application/offset+octet-stream",
      },
      body,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("upload-offset")).toBe(String(body.length));
    s3.client.destroy();

    const server = await exportedSpan((s) => s.name === "POST /api/upload" && attr(s, "http.response.status_code") === 201);
    expect(server.parentSpanId ?? "").toBe("");
    const trace = otlp.spans().filter((s) => s.traceId === server.traceId);
    const under = (s: OtlpSpan) => ancestors(trace, s).some((a) => a.spanId === server.spanId);
    const s3Calls = trace.filter((s) => s.name.startsWith("S3.")).map((s) => [s.name, under(s)]);
    expect(s3Calls).toContainEqual(["S3.CreateMultipartUpload", true]);
    expect(s3Calls).toContainEqual(["S3.CompleteMultipartUpload", true]);
    const writes = trace.filter((s) => /^\s*(INSERT|UPDATE)/i.test(String(attr(s, "db.query.text") ?? "")));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every(under)).toBe(true);
  });

  it("a webhook delivery is a span whose traceparent the receiver gets", async () => {
    const { actor } = await createTestUser();
    const api = callerFor(actor);
    const { hook, secret } = await api.webhooks.create({ url: hookUrl, kinds: ["folder.created"] });
    secrets.push(secret);
    await api.webhooks.test({ id: hook.id });
    expect(await deliverDue()).toBe(1);
    await tracing.flush();

    const traceparent = String(hooks.got.at(-1)?.traceparent ?? "");
    const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traceparent) ?? [];
    const delivery = otlp.spans().find((s) => s.name === "webhook delivery" && s.spanId === spanId);
    expect(delivery?.traceId).toBe(traceId);
    expect(attr(delivery!, "webhook.id")).toBe(hook.id);
  });

  it("a job runs in its own trace, linked to the trace that queued it", async () => {
    registerJobHandler("test.traced", async () => {});
    let queuedIn = { traceId: "", spanId: "" };
    await withSpan("queues a job", {}, async (span) => {
      queuedIn = span!.spanContext();
      await enqueueJob("test.traced", {});
    });
    expect(await runQueueOnce()).toBeGreaterThanOrEqual(1);
    await tracing.flush();

    const job = otlp.spans().find((s) => s.name === "job test.traced")!;
    expect(job).toBeDefined();
    expect(job.traceId).not.toBe(queuedIn.traceId);
    expect(job.links?.map((l) => [l.traceId, l.spanId])).toEqual([[queuedIn.traceId, queuedIn.spanId]]);
  });

  it("a Redis command under a span of ours is a span beneath it, named by the command, never by its arguments", async () => {
    const redis = await startRedis();
    const bus = new RedisChangeBus(redis.url);
    try {
      await bus.ready();
      let parent = { traceId: "", spanId: "" };
      await withSpan("announces a change", {}, async (span) => {
        parent = span!.spanContext();
        await bus.publish(424242n);
      });
      const published = await exportedSpan((s) => s.name === "redis PUBLISH" && s.traceId === parent.traceId);
      expect(published.parentSpanId).toBe(parent.spanId);
      expect(attr(published, "db.system")).toBe("redis");
      expect(JSON.stringify(published)).not.toContain("424242");
    } finally {
      await bus.close();
      await redis.stop();
    }
  });

  it("no span attribute holds a token, password or share-link token", async () => {
    const { actor } = await createTestUser();
    const api = callerFor(actor);
    const folder = await api.drive.createFolder({ name: "shared" });
    const { token } = await api.share.createLink({ nodeId: folder.id, permission: "DOWNLOAD", password: "share password 123" });
    secrets.push(token, "share password 123");
    // The link's password gate and a zip download by token: the token is in the path and query.
    await (await fetch(`${harness.baseUrl}/api/s/${token}/unlock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password: "share password 123" }) })).arrayBuffer();
    await (await fetch(`${harness.baseUrl}/api/s/${token}/zip?token=${token}`)).arrayBuffer();
    await exportedSpan((s) => s.name === "POST /api/s/:token");
    await exportedSpan((s) => s.name === "GET /api/s/:token");
    const everything = otlp.bodies.join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
