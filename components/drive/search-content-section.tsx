"use client";
import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { FileText } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useT } from "@/components/i18n/i18n-provider";
import { PreviewDialog } from "@/components/drive/preview-dialog";
import { SnippetText } from "@/components/shell/search-results-panel";
import { CONTENT_KINDS } from "@/server/search/search.schemas";
import type { SearchKind } from "@/server/drive/drive.schemas";

type ContentKind = (typeof CONTENT_KINDS)[number];
type Hit = { id: string; kind: "FILE" | "FOLDER"; name: string; mimeType: string | null; size: number };

/** The search page's second half: files whose text matches, with highlighted snippets, 20 at a time. */
export function SearchContentSection({ query, kind }: { query: string; kind: SearchKind | null }) {
  const trpc = useTRPC();
  const t = useT();
  const [preview, setPreview] = useState<Hit | null>(null);
  const contentKind = kind && (CONTENT_KINDS as readonly string[]).includes(kind) ? (kind as ContentKind) : null;
  const results = useInfiniteQuery({
    ...trpc.search.content.infiniteQueryOptions({ query, kind: contentKind, limit: 20 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    // Folders have no text: the "Folders" filter leaves this section out.
    enabled: kind !== "folder",
  });
  if (kind === "folder") return null;
  const hits = (results.data?.pages ?? []).flatMap((p) => p.items);
  return (
    <section className="px-4 pb-8 md:px-8" aria-labelledby="content-matches" data-testid="content-section">
      <h2 id="content-matches" className="mb-3 text-sm font-semibold text-zinc-700 dark:text-zinc-200">
        {t("contentSearch.insideDocuments")}
      </h2>
      {results.isError ? (
        <p className="rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-700 dark:border-red-900 dark:bg-red-950/40 dark:text-red-300">{results.error.message}</p>
      ) : results.isPending ? (
        <p className="text-sm text-zinc-400">{t("contentSearch.searching")}</p>
      ) : hits.length === 0 ? (
        <p className="rounded-xl border border-dashed border-zinc-300 px-6 py-8 text-center text-sm text-zinc-500 dark:border-zinc-700" data-testid="content-empty">
          {t("contentSearch.noTextMatches", { query })}
        </p>
      ) : (
        <ul className="divide-y divide-zinc-100 overflow-hidden rounded-xl border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {hits.map((hit) => (
            <li key={hit.id}>
              <button type="button" className="flex w-full items-start gap-3 px-4 py-3 text-left hover:bg-zinc-50 focus-visible:bg-brand-50 focus-visible:outline-none dark:hover:bg-zinc-800/60 dark:focus-visible:bg-brand-500/15" onClick={() => setPreview(hit)} data-testid="content-hit">
                <FileText className="mt-0.5 size-5 shrink-0 text-zinc-400" />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium">{hit.name}</span>
                  <span className="mt-0.5 block text-sm leading-relaxed text-zinc-600 dark:text-zinc-300" data-testid="content-snippet">
                    <SnippetText snippet={hit.snippet} />
                  </span>
                  <span className="mt-0.5 block truncate text-xs text-zinc-400 dark:text-zinc-500">{hit.path.map((c) => (c.isRoot ? t("app.myDrive") : c.name)).join(" / ") || t("app.myDrive")}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {results.hasNextPage ? (
        <div className="mt-3 text-center">
          <button type="button" className="rounded-lg border border-zinc-300 px-4 py-1.5 text-sm hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800" disabled={results.isFetchingNextPage} onClick={() => void results.fetchNextPage()}>
            {results.isFetchingNextPage ? t("contentSearch.searching") : t("contentSearch.more")}
          </button>
        </div>
      ) : null}
      {preview ? <PreviewDialog node={preview} onClose={() => setPreview(null)} /> : null}
    </section>
  );
}
