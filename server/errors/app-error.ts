import { translate, type Locale, type MessageKey, type MessageParams } from "@/server/i18n/messages";
import { isDatabaseUnavailable } from "@/server/errors/db-unavailable";

/** What went wrong, in terms every transport maps: tRPC codes and HTTP statuses. */
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "GONE"
  | "PAYLOAD_TOO_LARGE"
  | "RANGE_NOT_SATISFIABLE"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR"
  | "SERVICE_UNAVAILABLE";

export const httpStatusOf: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  RANGE_NOT_SATISFIABLE: 416,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** Services throw this, never a transport's error: one map turns it into tRPC or HTTP. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    readonly key: MessageKey,
    readonly params: MessageParams = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(translate(key, "en", params));
    this.name = "AppError";
  }

  localized(locale: Locale): string {
    return translate(this.key, locale, this.params);
  }
}

export const notFound = () => new AppError("NOT_FOUND", "node.notFound");

/** A client may retry this soon after the database went away: pg-pool reconnects on its own. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * What a transport answers for a thrown error: an AppError as it is, a lost database connection
 * as 503 with Retry-After (nothing was changed, try again), and null for anything else (a 500).
 */
export function toAppError(e: unknown): AppError | null {
  if (e instanceof AppError) return e;
  if (isDatabaseUnavailable(e)) return new AppError("SERVICE_UNAVAILABLE", "db.unavailable", {}, DATABASE_RETRY_AFTER_SECONDS);
  return null;
}
