import type { Locale } from "@/server/i18n/messages";

/** "24 Nov 2026, 14:05" / "2026年11月24日 14:05" in the viewer's time zone. */
export function formatDateTime(d: Date | string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "zh" ? "zh-CN" : "en-GB", { dateStyle: "medium", timeStyle: "short" }).format(new Date(d));
}

/** A Date as the value of an <input type="datetime-local"> (local time, to the minute). */
export function toLocalInput(d: Date | null): string {
  if (!d) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const MiB = 1024 * 1024;
