import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TRPCError } from "@trpc/server";
import { AppError } from "@/server/errors/app-error";
import { getEnv } from "@/server/env";
import { localeFromHeaders } from "@/server/i18n/messages";
import { logger } from "@/server/log/logger";
import { currentRequest, requestIdFrom, runWithRequestContext } from "@/server/log/request-context";
import { isForeignOrigin, isSafeMethod } from "@/server/security/same-origin";
import { appRouter } from "@/server/runtime/trpc-router";
import { createContext } from "@/server/trpc/init";
import { TRPC_MAX_BATCH_CALLS } from "@/server/trpc/limits";
import { bodyTooLargeParams, countTrpcCalls, readBodyWithin, trpcRefusal } from "@/server/trpc/request-guards";

const ENDPOINT = "/api/trpc";

/**
 * /api/trpc over the fetch adapter (the custom server calls it with Node's request turned into a
 * pulled stream; Next's route handler too). Before tRPC sees the request: a mutation from another
 * website is refused, a batch of more than TRPC_MAX_BATCH_CALLS calls is refused, and the body is
 * read only up to TRPC_MAX_BODY_BYTES, so an anonymous caller cannot make the server hold or parse
 * more than that (tRPC itself would read any body whole, then parse it).
 */
export function handleTrpcRequest(req: Request): Promise<Response> {
  if (currentRequest()) return guardAndHandle(req);
  // Called outside the custom server (Next alone, tests): the request id of log lines and of the
  // internal-error message must still be one and the same.
  const context = { requestId: requestIdFrom(req.headers.get("x-request-id") ?? undefined), ip: null, userAgent: req.headers.get("user-agent") };
  return runWithRequestContext(context, () => guardAndHandle(req));
}

async function guardAndHandle(req: Request): Promise<Response> {
  const env = getEnv();
  const locale = localeFromHeaders(req.headers.get("accept-language"), req.headers.get("cookie"));
  const url = new URL(req.url);
  if (!isSafeMethod(req.method) && isForeignOrigin(req.headers.get("origin"), req.headers.get("host") ?? url.host, env.baseUrl)) {
    return trpcRefusal({ status: 403, code: "FORBIDDEN", key: "request.foreignOrigin", locale, headers: closeUnlessRead(req) });
  }
  if (countTrpcCalls(url, ENDPOINT) > TRPC_MAX_BATCH_CALLS) {
    return trpcRefusal({ status: 413, code: "PAYLOAD_TOO_LARGE", key: "request.tooManyCalls", params: { max: TRPC_MAX_BATCH_CALLS }, locale, headers: closeUnlessRead(req) });
  }
  let inner = req;
  if (req.method !== "GET" && req.method !== "HEAD") {
    const body = await readBodyWithin(req.body, req.headers.get("content-length"), env.trpcMaxBodyBytes);
    if (!body.ok) {
      logger.warn({ max: env.trpcMaxBodyBytes }, "trpc request body over the limit refused");
      return trpcRefusal({ status: 413, code: "PAYLOAD_TOO_LARGE", key: "request.bodyTooLarge", params: bodyTooLargeParams(env.trpcMaxBodyBytes), locale, headers: { Connection: "close" } });
    }
    inner = new Request(req.url, { method: req.method, headers: req.headers, body: body.bytes as BodyInit | null, signal: req.signal });
  }
  return fetchRequestHandler({
    endpoint: ENDPOINT,
    req: inner,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH_CALLS,
    createContext: () => createContext(inner.headers),
    onError: ({ error, path }) => logTrpcError(error, path),
    responseMeta: ({ errors }) => {
      const seconds = retryAfterOf(errors);
      return seconds ? { headers: new Headers({ "Retry-After": String(seconds) }) } : {};
    },
  });
}

/** A refusal sent before the body was read closes the connection, so the rest is never received. */
function closeUnlessRead(req: Request): Record<string, string> {
  return req.body && !req.bodyUsed ? { Connection: "close" } : {};
}

/**
 * The client sees a translated message only (init.ts); what actually went wrong goes to the log,
 * under the request id the message shows. Refusals of the app's own rules are not logged.
 */
function logTrpcError(error: TRPCError, path: string | undefined) {
  if (error.cause instanceof AppError && error.code !== "INTERNAL_SERVER_ERROR") return;
  if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path }, "trpc call failed");
  else if (!(error.cause instanceof AppError) && error.cause?.name !== "ZodError") logger.info({ code: error.code, detail: error.message, path }, "trpc request refused");
}

/**
 * A rate-limited call says when to come back, as the byte paths and WebDAV do: the longest wait of
 * the batch's limited calls, in whole seconds.
 */
export function retryAfterOf(errors: readonly TRPCError[]): number | null {
  let longest = 0;
  for (const e of errors) {
    if (e.cause instanceof AppError && e.cause.retryAfterSeconds) longest = Math.max(longest, e.cause.retryAfterSeconds);
  }
  return longest || null;
}
