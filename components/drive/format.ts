import type { Locale } from "@/server/i18n/messages";

/** "just now", "5 minutes ago", "yesterday", then a date — in the page's language. */
export function formatModified(d: Date, locale: Locale = "en", now = new Date()): string {
  const tag = locale === "zh" ? "zh-CN" : "en";
  const rtf = new Intl.RelativeTimeFormat(tag, { numeric: "auto" });
  const s = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return locale === "zh" ? "刚刚" : "just now";
  if (abs < 3600) return rtf.format(Math.round(s / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(s / 3600), "hour");
  if (abs < 7 * 86400) return rtf.format(Math.round(s / 86400), "day");
  return d.toLocaleDateString(tag, { year: "numeric", month: "short", day: "numeric" });
}
