"use client";
import { useQuery } from "@tanstack/react-query";
import clsx from "clsx";
import { FileText, Folder } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useT } from "@/components/i18n/i18n-provider";
import { CONTENT_KINDS } from "@/server/search/search.schemas";
import type { Snippet } from "@/server/search/snippet";
import type { UiKey } from "@/components/i18n/translate";

export type ContentKind = (typeof CONTENT_KINDS)[number];
export type Period = "any" | "week" | "month" | "year";
export interface SearchFilters {
  kind: ContentKind | null;
  period: Period;
  folderId: string | null;
}
/** One row of the panel: what Enter or a click opens. */
export interface PanelItem {
  id: string;
  kind: "FILE" | "FOLDER";
  name: string;
  mimeType: string | null;
  size: number;
}

const PERIOD_DAYS: Record<Exclude<Period, "any">, number> = { week: 7, month: 31, year: 366 };

/** The start of a period, to the minute (so the query key stays put while typing). */
function periodStart(period: Period): Date | null {
  if (period === "any") return null;
  const ms = Date.now() - PERIOD_DAYS[period] * 86_400_000;
  return new Date(Math.floor(ms / 60_000) * 60_000);
}

/** The snippet's text with its marked ranges as <mark> elements (React escapes the rest: no HTML is injected). */
export function Highlighted({ text, marks }: { text: string; marks: [number, number][] }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  marks.forEach(([a, b], i) => {
    if (a > at) parts.push(text.slice(at, a));
    parts.push(
      <mark key={i} className="rounded-sm bg-amber-200 px-0.5 text-zinc-900 dark:bg-amber-500/40 dark:text-amber-50">
        {text.slice(a, b)}
      </mark>,
    );
    at = b;
  });
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/** A content match's snippet: its highlighted words, with "…" where the text was cut. */
export function SnippetText({ snippet }: { snippet: Snippet }) {
  return (
    <>
      {snippet.cutBefore ? "…" : ""}
      <Highlighted text={snippet.text} marks={snippet.marks} />
      {snippet.cutAfter ? "…" : ""}
    </>
  );
}

/** Name matches and content matches for a (debounced) query, with filters; `active` is the keyboard's row. */
export function useSearchResults(query: string, filters: SearchFilters) {
  const trpc = useTRPC();
  const enabled = query.length > 0;
  const names = useQuery({
    ...trpc.drive.search.queryOptions({ query: query || "-", kind: filters.kind, folderId: filters.folderId, modifiedAfter: periodStart(filters.period), limit: 5 }),
    enabled,
    placeholderData: (prev) => prev,
  });
  const contents = useQuery({
    ...trpc.search.content.queryOptions({ query: query || "-", kind: filters.kind, folderId: filters.folderId, modifiedAfter: periodStart(filters.period), limit: 8 }),
    enabled,
    placeholderData: (prev) => prev,
  });
  const nameItems: PanelItem[] = enabled ? (names.data?.items ?? []) : [];
  const contentItems = enabled ? (contents.data?.items ?? []) : [];
  return { nameItems, contentItems, loading: names.isFetching || contents.isFetching };
}

export function SearchResultsPanel(props: {
  id: string;
  results: ReturnType<typeof useSearchResults>;
  filters: SearchFilters;
  onFilters: (f: SearchFilters) => void;
  /** The folder on screen, for the "in this folder" filter. */
  currentFolderId: string | null;
  active: number;
  onOpen: (item: PanelItem) => void;
  onHover: (index: number) => void;
}) {
  const t = useT();
  const { nameItems, contentItems, loading } = props.results;
  const select = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900";
  const row = (index: number) =>
    clsx("flex w-full cursor-pointer items-start gap-2 rounded-lg px-2 py-1.5 text-left text-sm", index === props.active ? "bg-brand-50 dark:bg-brand-500/15" : "hover:bg-zinc-100 dark:hover:bg-zinc-800");
  return (
    <div
      className="absolute left-0 right-0 top-full z-40 mt-1 max-h-[70vh] overflow-y-auto rounded-xl border border-zinc-200 bg-white p-2 shadow-xl dark:border-zinc-700 dark:bg-zinc-900"
      data-testid="search-panel"
      // Clicks inside keep the input's focus handling from closing the panel first.
      onMouseDown={(e) => {
        if (!(e.target as HTMLElement).closest("select, input")) e.preventDefault();
      }}
    >
      <div className="flex flex-wrap items-center gap-2 px-1 pb-2">
        <select aria-label={t("search.title")} className={select} value={props.filters.kind ?? ""} onChange={(e) => props.onFilters({ ...props.filters, kind: (e.target.value || null) as ContentKind | null })}>
          <option value="">{t("contentSearch.anyKind")}</option>
          {CONTENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`search.${k}` as UiKey)}
            </option>
          ))}
        </select>
        <select aria-label={t("drive.modified")} className={select} value={props.filters.period} onChange={(e) => props.onFilters({ ...props.filters, period: e.target.value as Period })}>
          <option value="any">{t("contentSearch.anyTime")}</option>
          <option value="week">{t("contentSearch.lastWeek")}</option>
          <option value="month">{t("contentSearch.lastMonth")}</option>
          <option value="year">{t("contentSearch.lastYear")}</option>
        </select>
        {props.currentFolderId ? (
          <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-300">
            <input type="checkbox" checked={!!props.filters.folderId} onChange={(e) => props.onFilters({ ...props.filters, folderId: e.target.checked ? props.currentFolderId : null })} />
            {t("contentSearch.inThisFolder")}
          </label>
        ) : null}
        {loading ? <span className="ml-auto text-xs text-zinc-400">{t("contentSearch.searching")}</span> : null}
      </div>
      <ul role="listbox" id={props.id} aria-label={t("search.title")}>
        {nameItems.length ? <li className="px-2 pb-1 pt-1 text-xs font-semibold uppercase tracking-wide text-zinc-500" role="presentation">{t("contentSearch.names")}</li> : null}
        {nameItems.map((n, i) => (
          <li key={`n-${n.id}`} id={`${props.id}-${i}`} role="option" aria-selected={i === props.active} className={row(i)} onClick={() => props.onOpen(n)} onMouseEnter={() => props.onHover(i)}>
            {n.kind === "FOLDER" ? <Folder className="mt-0.5 size-4 shrink-0 text-brand-600" /> : <FileText className="mt-0.5 size-4 shrink-0 text-zinc-400" />}
            <span className="truncate">{n.name}</span>
          </li>
        ))}
        {contentItems.length ? <li className="px-2 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-zinc-500" role="presentation">{t("contentSearch.contents")}</li> : null}
        {contentItems.map((c, j) => {
          const i = nameItems.length + j;
          return (
            <li key={`c-${c.id}`} id={`${props.id}-${i}`} role="option" aria-selected={i === props.active} className={row(i)} onClick={() => props.onOpen(c)} onMouseEnter={() => props.onHover(i)} data-testid="content-hit">
              <FileText className="mt-0.5 size-4 shrink-0 text-zinc-400" />
              <span className="min-w-0">
                <span className="block truncate font-medium">{c.name}</span>
                <span className="block text-xs text-zinc-500 dark:text-zinc-400" data-testid="content-snippet">
                  <SnippetText snippet={c.snippet} />
                </span>
                {c.path.length ? <span className="block truncate text-[11px] text-zinc-400 dark:text-zinc-500">{c.path.map((p) => (p.isRoot ? t("app.myDrive") : p.name)).join(" / ")}</span> : null}
              </span>
            </li>
          );
        })}
        {!loading && !nameItems.length && !contentItems.length ? <li className="px-2 py-3 text-center text-sm text-zinc-500">{t("contentSearch.noMatches")}</li> : null}
      </ul>
      <p className="px-2 pt-2 text-[11px] text-zinc-400">{t("contentSearch.hint")}</p>
    </div>
  );
}
