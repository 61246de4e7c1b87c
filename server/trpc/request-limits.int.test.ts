import http from "node:http";
import superjson, { type SuperJSONResult } from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueEmail, TEST_PASSWORD } from "@/server/test/factories";
import { startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { TRPC_MAX_BATCH_CALLS } from "@/server/trpc/limits";

// tRPC through the real custom-server path (handleByteRoute → serveTrpc → handleTrpcRequest), on
// real sockets: the public sign-up procedure is what an anonymous caller can reach.
const t = useTestDatabase();
let server: HttpHarness;
beforeAll(async () => {
  server = await startHttpHarness();
});
afterAll(() => server?.close());

const signUpInput = () => ({ email: uniqueEmail(), name: "Limit Test", password: TEST_PASSWORD });
type ErrorBody = { error: { json: { message: string; data: { code: string; appCode: string } } } };

interface RawAnswer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** Body bytes the client had written when the answer arrived. */
  sentWhenAnswered: number;
  /** Whether the server closed the connection after answering. */
  closedByServer: Promise<boolean>;
}

/**
 * POSTs a body to the server slowly, 64 KiB at a time, up to `total` bytes, and stops writing as
 * soon as an answer arrives: a server that read the whole body first would answer only after it.
 */
function slowPost(path: string, headers: Record<string, string>, total: number, chunk = Buffer.alloc(64 * 1024, 0x20)): Promise<RawAnswer> {
  const url = new URL(path, server.baseUrl);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", headers: { "Content-Type": "application/json", ...headers }, agent: false });
    let socketClosed!: (v: boolean) => void;
    const closedByServer = new Promise<boolean>((r) => (socketClosed = r));
    req.on("socket", (s) => s.once("close", () => socketClosed(true)));
    req.on("error", (e: NodeJS.ErrnoException) => {
      // Writing into a connection the server closed after answering is expected.
      if (!answered) reject(e);
    });
    req.on("response", (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers, sentWhenAnswered, closedByServer }));
    });
    const pump = () => {
      if (answered || req.destroyed) return;
      if (sent >= total) return void req.end();
      req.write(chunk, () => {
        sent += chunk.length;
        setTimeout(pump, 5);
      });
    };
    req.write("[");
    pump();
  });
}

describe("tRPC request bodies are capped while they stream in", () => {
  it("a declared 256 MiB sign-up body is refused with 413 before it is read, and the connection is closed", async () => {
    const usersBefore = await t.prisma.user.count();
    const res = await slowPost("/api/trpc/auth.signUp", { "Content-Length": String(256 * 1024 * 1024) }, 256 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(res.sentWhenAnswered).toBeLessThan(16 * 1024 * 1024);
    expect(res.headers.connection).toBe("close");
    const body = superjson.deserialize<ErrorBody["error"]["json"]>((JSON.parse(res.body) as { error: SuperJSONResult }).error);
    expect(body.message).toBe("The request is too large: at most 1.0 MiB is accepted here.");
    expect(body.data.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await res.closedByServer).toBe(true);
    expect(await t.prisma.user.count()).toBe(usersBefore);
  });

  it("a slow streamed body without a length gets 413 (in Chinese for a Chinese browser) before it ends", async () => {
    const total = 48 * 1024 * 1024;
    const res = await slowPost("/api/trpc/auth.signUp", { "Accept-Language": "zh-CN,zh;q=0.9" }, total);
    expect(res.status).toBe(413);
    // The server stopped reading at the limit: the answer came while the client was still sending.
    expect(res.sentWhenAnswered).toBeLessThan(total);
    expect(await res.closedByServer).toBe(true);
    const body = JSON.parse(res.body) as ErrorBody;
    expect(body.error.json.message).toBe("请求过大：此处最多接受 1.0 MiB。");
  });

  it("a body under the limit still signs up", async () => {
    const res = await fetch(`${server.baseUrl}/api/trpc/auth.signUp`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(superjson.serialize(signUpInput())) });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("a batch of 1000 sign-ups is refused whole: none of them runs", async () => {
    const usersBefore = await t.prisma.user.count();
    const n = 1000;
    const inputs = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, superjson.serialize(signUpInput())]));
    const res = await fetch(`${server.baseUrl}/api/trpc/${Array(n).fill("auth.signUp").join(",")}?batch=1`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(inputs),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.json.message).toBe(`Too many calls in one request: at most ${TRPC_MAX_BATCH_CALLS} are accepted.`);
    expect(await t.prisma.user.count()).toBe(usersBefore);
  });

  it("a batch within the limit is answered call by call", async () => {
    const n = TRPC_MAX_BATCH_CALLS;
    const input = encodeURIComponent(JSON.stringify({}));
    const res = await fetch(`${server.baseUrl}/api/trpc/${Array(n).fill("auth.config").join(",")}?batch=1&input=${input}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(n);
  });
});

describe("tRPC never echoes what went wrong inside", () => {
  it("malformed JSON answers a translated message, not the parser's text", async () => {
    const res = await fetch(`${server.baseUrl}/api/trpc/auth.signUp`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"json": {"email": ' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.json.message).toBe("The request could not be understood.");
    expect(JSON.stringify(body)).not.toMatch(/JSON|Unexpected|position/);
  });

  it("an unknown procedure answers a translated message", async () => {
    const res = await fetch(`${server.baseUrl}/api/trpc/auth.nothingHere%3Cscript%3E`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.json.message).toBe("This action does not exist.");
  });
});
