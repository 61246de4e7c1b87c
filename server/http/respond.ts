import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, httpStatusOf, toAppError } from "@/server/errors/app-error";
import { localeFromHeaders } from "@/server/i18n/messages";
import { logger } from "@/server/log/logger";
import { currentRequest } from "@/server/log/request-context";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

/** Maps a thrown error to a JSON answer in the caller's language; unknown errors are logged. */
export function sendError(req: IncomingMessage, res: ServerResponse, e: unknown) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const locale = localeFromHeaders(req.headers["accept-language"], req.headers.cookie);
  const app = toAppError(e);
  if (app) {
    const headers: Record<string, string> = app.retryAfterSeconds ? { "Retry-After": String(app.retryAfterSeconds) } : {};
    return sendJson(res, httpStatusOf[app.code], { code: app.code, message: app.localized(locale) }, headers);
  }
  logger.error({ err: e, url: req.url }, "request failed");
  // The error's own text stays in the log line above, found by the request id shown here.
  const err = new AppError("INTERNAL_SERVER_ERROR", "server.errorWithId", { requestId: currentRequest()?.requestId ?? "-" });
  sendJson(res, 500, { code: err.code, message: err.localized(locale) });
}
