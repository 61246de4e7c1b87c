import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { AppError, toAppError, type AppErrorCode } from "@/server/errors/app-error";
import { localeFromHeaders, translate, type Locale, type MessageKey } from "@/server/i18n/messages";
import { currentRequest } from "@/server/log/request-context";
import { translateIssue } from "@/server/i18n/issue";
import { authenticateRequest, headerOf, type HeadersLike } from "@/server/auth/request-auth";
import type { Actor } from "@/server/auth/actor";
import { allowedDuringTwoFactorSetup, twoFactorSetupRequired } from "@/server/auth/two-factor-policy";
import type { RequestMeta } from "@/server/audit/audit.service";
import { failSpan, withSpan } from "@/server/tracing/spans";

export interface Context {
  actor: Actor | null;
  locale: Locale;
  meta: RequestMeta;
}

export async function createContext(headers: HeadersLike): Promise<Context> {
  return {
    // A rate-limited token answers 429, not 500: map the service's error before tRPC wraps it.
    // A lost database answers 503 here too, before any procedure runs.
    actor: await authenticateRequest(headers, { setupAllowed: true }).catch((e: unknown) => {
      const app = toAppError(e);
      throw app ? new TRPCError({ code: trpcCodeOf[app.code], message: app.message, cause: app }) : e;
    }),
    locale: localeFromHeaders(headerOf(headers, "accept-language"), headerOf(headers, "cookie")),
    meta: { ip: headerOf(headers, "x-yunpan-client-ip") ?? null, userAgent: headerOf(headers, "user-agent") ?? null },
  };
}

const trpcCodeOf: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  GONE: "NOT_FOUND",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RANGE_NOT_SATISFIABLE: "BAD_REQUEST",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/** What a caller is told for tRPC's own refusals; any other code is an internal error. */
const genericMessageOf: Partial<Record<TRPCError["code"], MessageKey>> = {
  BAD_REQUEST: "request.invalid",
  PARSE_ERROR: "request.invalid",
  NOT_FOUND: "request.unknownProcedure",
  METHOD_NOT_SUPPORTED: "request.methodNotAllowed",
  PAYLOAD_TOO_LARGE: "request.invalid",
  UNAUTHORIZED: "auth.required",
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // The one place errors become what the browser sees: a translated message, the app's own code,
  // and per-field messages for forms. Internal errors never leak their text.
  errorFormatter({ shape, error, ctx }) {
    const locale = ctx?.locale ?? "en";
    const cause = error.cause;
    if (cause instanceof AppError) {
      return { ...shape, message: cause.localized(locale), data: { ...shape.data, appCode: cause.code, fieldErrors: null, stack: undefined } };
    }
    if (cause instanceof ZodError) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of cause.issues) fieldErrors[issue.path.join(".")] ??= translateIssue(issue.message, locale);
      const first = translateIssue(cause.issues[0]?.message ?? "input.invalid", locale);
      return { ...shape, message: first, data: { ...shape.data, appCode: "BAD_REQUEST", fieldErrors, stack: undefined } };
    }
    // Anything else is tRPC's own refusal or a bug: its text (a parser's or V8's message, a
    // procedure path) is never shown; the log has it, under the request id an internal error shows.
    const message = translate(genericMessageOf[error.code] ?? "server.errorWithId", locale, { requestId: currentRequest()?.requestId ?? "-" });
    return { ...shape, message, data: { ...shape.data, appCode: error.code, fieldErrors: null, stack: undefined } };
  },
});

/** Services throw AppError (and zod errors); this turns them into the matching tRPC code. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    const app = toAppError(cause);
    if (app) throw new TRPCError({ code: trpcCodeOf[app.code], message: app.message, cause: app });
    if (cause instanceof ZodError) throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  return result;
});

/** A span per procedure call, named by the procedure (a batch is one HTTP span, several of these). */
const traceProcedure = t.middleware(({ path, type, next }) =>
  withSpan(`trpc ${path}`, { attributes: { "rpc.system": "trpc", "rpc.method": path, "trpc.type": type } }, async (span) => {
    const result = await next();
    if (span && !result.ok) {
      span.setAttribute("trpc.error_code", result.error.code);
      if (result.error.code === "INTERNAL_SERVER_ERROR") failSpan(span, result.error.cause ?? result.error);
    }
    return result;
  }),
);

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(traceProcedure).use(mapErrors);

/** Signed in: narrows ctx.actor to non-null. */
export const protectedProcedure = publicProcedure.use(({ ctx, path, next }) => {
  if (!ctx.actor) throw new AppError("UNAUTHORIZED", "auth.required");
  if (ctx.actor.twoFactorSetupPending && !allowedDuringTwoFactorSetup(path)) throw twoFactorSetupRequired();
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "auth.adminOnly");
  return next({ ctx });
});
