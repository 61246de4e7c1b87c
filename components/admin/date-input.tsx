"use client";
// A day picker that reads in the app's language. Chromium formats <input type="date"> by the
// browser's language and ignores the lang attribute, so a Chinese page showed "mm/dd/yyyy". The
// native input stays (its calendar and keyboard editing), but while it is not focused its text is
// hidden under the day written in the app's locale ("2026年12月5日", or "年/月/日" when empty).
import clsx from "clsx";
import { useLocale } from "@/components/i18n/i18n-provider";

const EMPTY = { en: "Any day", zh: "年/月/日" } as const;

export function DateInput({ value, onChange, className, testId }: { value: string; onChange: (day: string) => void; className: string; testId?: string }) {
  const locale = useLocale();
  const tag = locale === "zh" ? "zh-CN" : "en";
  const shown = value ? new Intl.DateTimeFormat(tag, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`)) : EMPTY[locale];
  return (
    <span className="relative block">
      <input type="date" lang={tag} value={value} onChange={(e) => onChange(e.target.value)} className={clsx(className, "peer text-transparent focus:text-inherit [&::-webkit-datetime-edit]:opacity-0 focus:[&::-webkit-datetime-edit]:opacity-100")} />
      <span aria-hidden data-testid={testId} className={clsx("pointer-events-none absolute inset-y-0 left-3 flex items-center text-sm peer-focus:hidden", !value && "text-zinc-400")}>
        {shown}
      </span>
    </span>
  );
}
