import "server-only";
import { cookies, headers } from "next/headers";
import { localeFromHeaders, type Locale } from "@/server/i18n/messages";

/**
 * The language of a page: the `yp-locale` cookie (set by the language switch and at sign-in from
 * the account's setting), else the browser's Accept-Language.
 */
export async function getRequestLocale(): Promise<Locale> {
  const [h, c] = await Promise.all([headers(), cookies()]);
  const cookie = c.get("yp-locale")?.value;
  return localeFromHeaders(h.get("accept-language"), cookie ? `yp-locale=${cookie}` : null);
}
