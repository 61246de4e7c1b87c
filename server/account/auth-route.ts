import { DATABASE_RETRY_AFTER_SECONDS } from "@/server/errors/app-error";
import { formatBytes, localeFromHeaders, translate } from "@/server/i18n/messages";
import { logger } from "@/server/log/logger";
import { readBodyWithin } from "@/server/trpc/request-guards";

/**
 * The largest body /api/auth reads: its forms (credentials, a TOTP code, a CSRF token, a callback
 * URL) are well under 1 KiB. Without a cap next-auth reads and parses any body whole before it
 * checks anything (issue 17).
 */
export const AUTH_MAX_BODY_BYTES = 64 * 1024;

/**
 * POST /api/auth/*: the body is read only up to AUTH_MAX_BODY_BYTES (413 otherwise, the
 * connection closed rather than drained), then next-auth (`handle`) runs on the bytes read. A
 * failed sign-in that next-auth reports as a 401 is given its real status: a rate limit is a 429
 * with Retry-After, a database that cannot be reached a 503 with Retry-After. The body stays what
 * next-auth's client reads (`{ url }` with `?error=`), plus the sentence in the reader's language.
 */
export async function guardAuthPost(req: Request, handle: (req: Request) => Promise<Response>): Promise<Response> {
  const locale = localeFromHeaders(req.headers.get("accept-language"), req.headers.get("cookie"));
  const body = await readBodyWithin(req.body, req.headers.get("content-length"), AUTH_MAX_BODY_BYTES);
  if (!body.ok) {
    logger.warn({ max: AUTH_MAX_BODY_BYTES }, "auth request body over the limit refused");
    const message = translate("request.bodyTooLarge", locale, { max: formatBytes(AUTH_MAX_BODY_BYTES) });
    return Response.json({ code: "PAYLOAD_TOO_LARGE", message }, { status: 413, headers: { Connection: "close" } });
  }
  const inner = new Request(req.url, { method: req.method, headers: req.headers, body: body.bytes as BodyInit | null, signal: req.signal });
  const res = await handle(inner);
  if (res.status !== 401 || !res.headers.get("content-type")?.includes("json")) return res;
  const json = (await res.clone().json().catch(() => null)) as { url?: string } | null;
  const error = json?.url ? new URL(json.url, "http://x").searchParams.get("error") : null;
  const limited = error ? /^rate\.limited:(\d+)$/.exec(error) : null;
  if (limited) return withStatus(res, json!, 429, limited[1]!, translate("rate.limited", locale, { seconds: Number(limited[1]) }));
  if (error === "db.unavailable") return withStatus(res, json!, 503, String(DATABASE_RETRY_AFTER_SECONDS), translate("db.unavailable", locale));
  return res;
}

function withStatus(res: Response, json: { url?: string }, status: number, retryAfter: string, message: string): Response {
  const headers = new Headers(res.headers);
  headers.set("Retry-After", retryAfter);
  headers.delete("content-length");
  return new Response(JSON.stringify({ ...json, message }), { status, headers });
}
