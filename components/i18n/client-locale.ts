"use client";
import type { Locale } from "@/server/i18n/messages";

/** The browser's language, as the server guesses it from Accept-Language. */
export function clientLocale(): Locale {
  if (typeof document !== "undefined") {
    const c = /(?:^|;\s*)yp-locale=(en|zh)/.exec(document.cookie)?.[1];
    if (c) return c as Locale;
  }
  return typeof navigator !== "undefined" && /^zh/i.test(navigator.language) ? "zh" : "en";
}
