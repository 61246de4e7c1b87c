import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TRPCError } from "@trpc/server";
import { AppError } from "@/server/errors/app-error";
import { appRouter } from "@/server/trpc/root";
import { createContext } from "@/server/trpc/init";

/** /api/trpc over the fetch adapter. */
export function handleTrpcRequest(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext(req.headers),
    responseMeta: ({ errors }) => {
      const seconds = retryAfterOf(errors);
      return seconds ? { headers: new Headers({ "Retry-After": String(seconds) }) } : {};
    },
  });
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
