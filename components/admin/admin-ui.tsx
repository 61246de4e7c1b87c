"use client";
import clsx from "clsx";
import type { ReactNode } from "react";
import { ChevronLeft, ChevronRight, Search } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";

export function PageHeader({ title, intro, actions }: { title: string; intro?: string; actions?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h2 className="text-lg font-semibold">{title}</h2>
        {intro ? <p className="mt-0.5 text-sm text-zinc-500">{intro}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function Card({ title, subtitle, children, className }: { title?: string; subtitle?: string; children: ReactNode; className?: string }) {
  return (
    <section className={clsx("rounded-2xl border border-zinc-200 bg-white p-5 shadow-sm dark:border-zinc-800 dark:bg-zinc-900", className)}>
      {title ? (
        <header className="mb-4">
          <h3 className="text-sm font-semibold">{title}</h3>
          {subtitle ? <p className="text-xs text-zinc-500">{subtitle}</p> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function Stat({ label, value, sub, icon, tone = "zinc", testId }: { label: string; value: ReactNode; sub?: ReactNode; icon?: ReactNode; tone?: "zinc" | "brand" | "emerald" | "amber" | "red"; testId?: string }) {
  const tones = {
    zinc: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
    brand: "bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100",
    emerald: "bg-emerald-50 text-emerald-600 dark:bg-emerald-500/15 dark:text-emerald-300",
    amber: "bg-amber-50 text-amber-600 dark:bg-amber-500/15 dark:text-amber-300",
    red: "bg-red-50 text-red-600 dark:bg-red-500/15 dark:text-red-300",
  };
  return (
    <div data-testid={testId} className="flex min-w-0 items-start gap-3 rounded-2xl border border-zinc-200 bg-white p-3 shadow-sm sm:p-4 dark:border-zinc-800 dark:bg-zinc-900">
      {icon ? <div className={clsx("hidden size-9 shrink-0 items-center justify-center rounded-xl sm:flex", tones[tone])}>{icon}</div> : null}
      <div className="min-w-0">
        <div className="text-xs font-medium text-zinc-500">{label}</div>
        <div className="mt-0.5 truncate text-xl font-semibold tabular-nums">{value}</div>
        {sub ? <div className="mt-0.5 truncate text-xs text-zinc-500">{sub}</div> : null}
      </div>
    </div>
  );
}

export function Badge({ tone = "zinc", children }: { tone?: "zinc" | "brand" | "emerald" | "amber" | "red"; children: ReactNode }) {
  const tones = {
    zinc: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
    brand: "bg-brand-50 text-brand-700 dark:bg-brand-500/15 dark:text-brand-100",
    emerald: "bg-emerald-50 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300",
    amber: "bg-amber-50 text-amber-700 dark:bg-amber-500/15 dark:text-amber-300",
    red: "bg-red-50 text-red-700 dark:bg-red-500/15 dark:text-red-300",
  };
  return <span className={clsx("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap", tones[tone])}>{children}</span>;
}

/** A table that scrolls sideways on a phone instead of squeezing its columns. */
/** `widths` (one class per column, e.g. "w-40") makes a fixed layout: long cells wrap or truncate instead of widening the table. */
export function Table({ head, children, testId, widths }: { head: ReactNode[]; children: ReactNode; testId?: string; widths?: string[] }) {
  return (
    <div className="overflow-x-auto rounded-2xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <table data-testid={testId} className={clsx("w-full min-w-[720px] text-left text-sm", widths && "table-fixed")}>
        <thead className="border-b border-zinc-200 bg-zinc-50/80 text-xs font-medium text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col" className={clsx("px-4 py-2.5 font-medium whitespace-nowrap", widths?.[i])}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</tbody>
      </table>
    </div>
  );
}

export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-4 py-10 text-center text-sm text-zinc-500">
        {children}
      </td>
    </tr>
  );
}

export function SearchInput({ value, onChange, placeholder }: { value: string; onChange: (v: string) => void; placeholder: string }) {
  return (
    <label className="relative block w-full sm:w-72">
      <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
      <input
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        aria-label={placeholder}
        className="block w-full rounded-lg border border-zinc-300 bg-white py-2 pr-3 pl-9 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900"
      />
    </label>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const t = useT();
  if (total === 0) return null;
  const from = (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <div className="flex items-center justify-between gap-3 text-sm text-zinc-500">
      <span>{t("admin.common.pageOf", { from, to, total })}</span>
      <div className="flex gap-1">
        <button
          className="inline-flex items-center gap-1 rounded-lg px-2.5 py-1.5 hover:bg-zinc-100 disabled:opacity-40 dark:hover:bg-zinc-800"
          disabled={page <= 1}
          onClick={() => onPage(page - 1)}
        >
          <ChevronLeft className="size-4" /> {t("admin.common.previous")}
        </button>
        <button
          className="inline-flex items-center gap-1 rounded-lg px-2.5 py-1.5 hover:bg-zinc-100 disabled:opacity-40 dark:hover:bg-zinc-800"
          disabled={to >= total}
          onClick={() => onPage(page + 1)}
        >
          {t("admin.common.next")} <ChevronRight className="size-4" />
        </button>
      </div>
    </div>
  );
}

/** A usage bar: green, then amber past 80 %, red past 95 %. */
export function UsageBar({ used, quota }: { used: number; quota: number | null }) {
  const pct = quota ? Math.min(100, (used / Math.max(1, quota)) * 100) : null;
  const color = pct === null ? "bg-brand-500" : pct > 95 ? "bg-red-500" : pct > 80 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div className="h-1.5 w-24 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
      <div className={clsx("h-full rounded-full", color)} style={{ width: `${pct ?? (used > 0 ? 6 : 0)}%` }} />
    </div>
  );
}

export const selectClass =
  "rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900";
