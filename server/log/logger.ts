import { trace } from "@opentelemetry/api";
import pino from "pino";
import { currentRequest } from "@/server/log/request-context";

// One logger per process, JSON lines. Each line written during a request carries its request id
// and, once known, the user id (from the request context); with tracing on, its trace_id and
// span_id. Secrets never reach it: request logs carry method, route and status, never headers,
// query strings or bodies, and these paths are redacted wherever an object is logged anyway.
const KEY = Symbol.for("yunpan.logger");
type G = typeof globalThis & { [KEY]?: pino.Logger };

export const REDACT_PATHS = [
  "password", "*.password", "currentPassword", "*.currentPassword", "newPassword", "*.newPassword",
  "token", "*.token", "secret", "*.secret", "authorization", "*.authorization", "cookie", "*.cookie",
  "headers.authorization", "headers.cookie", "req.headers.authorization", "req.headers.cookie", "headers[\"set-cookie\"]",
];

export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      mixin() {
        const ctx = currentRequest();
        const fields: Record<string, string> = {};
        if (ctx) fields.reqId = ctx.requestId;
        if (ctx?.userId) fields.userId = ctx.userId;
        // Traced: the active span, else the request's own span (the access line is written after it).
        const span = trace.getActiveSpan()?.spanContext() ?? ctx?.trace;
        if (span) {
          fields.trace_id = span.traceId;
          fields.span_id = span.spanId;
        }
        return fields;
      },
    },
    destination,
  );
}

export const logger: pino.Logger = ((globalThis as G)[KEY] ??= createLogger());
