import "server-only";
import type { Metadata } from "next";
import { translateUi, type UiKey } from "@/components/i18n/translate";
import { getRequestLocale } from "@/server/i18n/request-locale";

/**
 * A page's `generateMetadata`: its tab title in the request's language (the yp-locale cookie, else
 * Accept-Language), so a Chinese interface does not keep English tab titles.
 */
export function localizedTitle(key: UiKey, extra: Metadata = {}): () => Promise<Metadata> {
  return async () => ({ ...extra, title: translateUi(await getRequestLocale(), key) });
}
