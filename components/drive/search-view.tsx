"use client";
import { useRouter, useSearchParams } from "next/navigation";
import clsx from "clsx";
import { useTRPC } from "@/components/trpc/client";
import { useT } from "@/components/i18n/i18n-provider";
import { CollectionView } from "@/components/drive/collection-view";
import { SearchContentSection } from "@/components/drive/search-content-section";
import { SEARCH_KINDS, type SearchKind } from "@/server/drive/drive.schemas";

export function SearchView() {
  const trpc = useTRPC();
  const t = useT();
  const router = useRouter();
  const params = useSearchParams();
  const query = (params.get("q") ?? "").trim();
  const kind = SEARCH_KINDS.includes(params.get("kind") as SearchKind) ? (params.get("kind") as SearchKind) : null;
  const setKind = (k: SearchKind | null) => router.replace(`/search?q=${encodeURIComponent(query)}${k ? `&kind=${k}` : ""}`);
  if (!query) return <div className="px-8 py-20 text-center text-sm text-zinc-500">{t("search.placeholder")}</div>;
  return (
    <>
      <CollectionView
        key={`${query}:${kind}`}
        title={t("search.resultsFor", { query })}
        empty={t("contentSearch.noNameMatches", { query })}
        toolbar={
          <div className="flex flex-wrap gap-1.5" role="group" aria-label={t("search.title")}>
            {[null, ...SEARCH_KINDS].map((k) => (
              <button
                key={k ?? "all"}
                aria-pressed={kind === k}
                onClick={() => setKind(k)}
                className={clsx(
                  "rounded-full border px-3 py-1 text-xs font-medium transition",
                  kind === k ? "border-brand-600 bg-brand-600 text-white" : "border-zinc-300 text-zinc-600 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800",
                )}
              >
                {t(k ? `search.${k}` : "search.all")}
              </button>
            ))}
          </div>
        }
        options={trpc.drive.search.infiniteQueryOptions({ query, kind, limit: 100 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }) as never}
      />
      <SearchContentSection key={`c:${query}:${kind}`} query={query} kind={kind} />
    </>
  );
}
