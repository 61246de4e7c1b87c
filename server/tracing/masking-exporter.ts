import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { routeOf } from "@/server/log/route-label";

// Our spans carry route labels only, but Next.js makes spans of its own as soon as a tracer
// provider is registered, and puts the raw URL in them (`http.target` = "/s/<token>?…", a name
// like "GET /s/<token>" until it knows the route). Every span passes this exporter on its way
// out, so whoever made it, a path leaves the process as the request log's route label.

const URL_LIKE = /^(\/|https?:\/\/)/i;
const METHOD_AND_PATH = /^([A-Z]+) (\/\S*)$/;

function labelOf(value: string): string {
  try {
    return routeOf(new URL(value, "http://x").pathname);
  } catch {
    return "other";
  }
}

/** A span's name and attributes with every path turned into its label and every query dropped. */
export function maskSpan(span: ReadableSpan): ReadableSpan {
  let changed = false;
  const attributes: ReadableSpan["attributes"] = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (typeof value === "string" && (URL_LIKE.test(value) || key === "url.query")) {
      attributes[key] = key === "url.query" ? "" : labelOf(value);
      changed ||= attributes[key] !== value;
    } else {
      attributes[key] = value;
    }
  }
  const m = METHOD_AND_PATH.exec(span.name);
  const name = m ? `${m[1]} ${labelOf(m[2]!)}` : span.name;
  if (!changed && name === span.name) return span;
  // The rest (ids, times, status, links) is read through the original.
  return Object.create(span, { name: { value: name, enumerable: true }, attributes: { value: attributes, enumerable: true } }) as ReadableSpan;
}

export class MaskingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans.map(maskSpan), done);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
