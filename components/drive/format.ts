const rtf = typeof Intl !== "undefined" ? new Intl.RelativeTimeFormat("en", { numeric: "auto" }) : null;

/** "just now", "5 minutes ago", "yesterday", then a date. */
export function formatModified(d: Date, now = new Date()): string {
  const s = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return "just now";
  if (abs < 3600) return rtf!.format(Math.round(s / 60), "minute");
  if (abs < 86400) return rtf!.format(Math.round(s / 3600), "hour");
  if (abs < 7 * 86400) return rtf!.format(Math.round(s / 86400), "day");
  return d.toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric" });
}
