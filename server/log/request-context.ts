import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** What every log line and audit event of one HTTP request can learn about it. */
export interface RequestContext {
  requestId: string;
  userId?: string;
  ip: string | null;
  userAgent: string | null;
  /** The request's span, when tracing is on (server/tracing). */
  trace?: { traceId: string; spanId: string };
}

// One store per process: the custom server's bundle and Next's layers each evaluate this module,
// and all of them must see the context the server opened for the request.
const KEY = Symbol.for("yunpan.requestContext");
type G = typeof globalThis & { [KEY]?: AsyncLocalStorage<RequestContext> };
const storage: AsyncLocalStorage<RequestContext> = ((globalThis as G)[KEY] ??= new AsyncLocalStorage<RequestContext>());

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Called once the caller is authenticated: later log lines of the request carry the user id. */
export function setRequestUser(userId: string | null | undefined): void {
  const ctx = storage.getStore();
  if (ctx && userId) ctx.userId = userId;
}

/** A request id from a proxy in front (nginx `$request_id`) when it looks like one, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[\w.-]{8,64}$/.test(value) ? value : randomUUID();
}
