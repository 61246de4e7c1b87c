import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span } from "@opentelemetry/api";

// Spans at Yunpan's own boundaries (HTTP routes, tRPC procedures, jobs, webhook deliveries, S3
// calls), through @opentelemetry/api only: without the SDK (tracing off) every call here returns
// at the first check. Attributes carry route labels and ids, never a URL, query, header or body,
// so no token, password or share-link token can land in a span.

const KEY = Symbol.for("yunpan.tracing");
type G = typeof globalThis & { [KEY]?: boolean };

/** Set when the SDK is registered and cleared when it shuts down (server/tracing/tracing-sdk.ts). */
export function setTracingOn(on: boolean): void {
  (globalThis as G)[KEY] = on;
}

export function isTracingOn(): boolean {
  return (globalThis as G)[KEY] === true;
}

const tracer = () => trace.getTracer("yunpan");

interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Start a trace of its own (a job or a delivery is not part of whatever code happened to run it). */
  root?: boolean;
}

/** Runs `fn` in a span that ends when it settles; a throw marks the span as failed. */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span | null) => Promise<T>): Promise<T> {
  if (!isTracingOn()) return fn(null);
  const parent = options.root ? ROOT_CONTEXT : context.active();
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      failSpan(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

export function failSpan(span: Span, e: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.name ?? "error" });
}

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * A SERVER span for one HTTP request, continuing the caller's W3C traceparent, ended when the
 * response closes. `route` is the request log's route label (the one masking rule for paths).
 * `onStart` learns the span's ids (the request context keeps them for the access-log line).
 */
export function traceHttpRequest<T>(
  request: { method?: string; headers: HeaderBag },
  response: { once(event: "close", cb: () => void): unknown; statusCode: number; headersSent: boolean },
  route: string,
  onStart: (ids: { traceId: string; spanId: string }) => void,
  fn: () => T,
): T {
  if (!isTracingOn()) return fn();
  const method = request.method ?? "GET";
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = tracer().startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "http.route": route } }, parent);
  onStart(span.spanContext());
  response.once("close", () => {
    const status = response.headersSent ? response.statusCode : 499;
    span.setAttribute("http.response.status_code", status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), fn);
}

/** The active span as a W3C traceparent (stored with a queued job), or null. */
export function currentTraceparent(): string | null {
  if (!isTracingOn()) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** A link to the trace a traceparent names (the request that queued a job). */
export function linksFrom(traceparent: string | null | undefined): Link[] {
  if (!traceparent || !isTracingOn()) return [];
  const span = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
  return span ? [{ context: span }] : [];
}

/** The headers that carry the active span to the receiver of an outgoing request. */
export function traceHeaders(): Record<string, string> {
  if (!isTracingOn()) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

export { SpanKind };
