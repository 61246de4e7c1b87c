import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { expect, it } from "vitest";
import { MaskingExporter } from "@/server/tracing/masking-exporter";

const TOKEN = "Zq8sharetoken0123456789";

/** What Next.js's BaseServer.handleRequest span holds before it knows the route (as it exports it). */
function nextSpan(): ReadableSpan {
  const ctx = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 };
  return {
    name: `GET /s/${TOKEN}?token=${TOKEN}`,
    attributes: { "http.method": "GET", "http.target": `/s/${TOKEN}?token=${TOKEN}`, "url.full": `https://drive.example.com/api/s/${TOKEN}/zip?sig=abc`, "url.query": `token=${TOKEN}`, "next.route": "/s/[token]", "http.status_code": 200 },
    spanContext: () => ctx,
  } as unknown as ReadableSpan;
}

function capture() {
  const got: ReadableSpan[] = [];
  const inner: SpanExporter = {
    export: (spans: ReadableSpan[], done: (r: ExportResult) => void) => {
      got.push(...spans);
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  return { got, exporter: new MaskingExporter(inner) };
}

it("a span's paths leave as route labels, whoever made it: no token, query or signature", () => {
  const { got, exporter } = capture();
  exporter.export([nextSpan()], () => {});
  const [span] = got;
  expect(span!.name).toBe("GET /s/:token");
  expect(span!.attributes).toEqual({
    "http.method": "GET",
    "http.target": "/s/:token",
    "url.full": "/api/s/:token",
    "url.query": "",
    "next.route": "/s/:token",
    "http.status_code": 200,
  });
  expect(span!.spanContext().spanId).toBe("b7ad6b7169203331");
  expect(JSON.stringify({ name: span!.name, attributes: span!.attributes })).not.toContain(TOKEN);
});
