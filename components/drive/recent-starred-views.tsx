"use client";
import { useTRPC } from "@/components/trpc/client";
import { useT } from "@/components/i18n/i18n-provider";
import { CollectionView } from "@/components/drive/collection-view";

export function RecentView() {
  const trpc = useTRPC();
  const t = useT();
  return (
    <CollectionView
      title={t("app.recent")}
      empty={t("search.emptyRecent")}
      options={trpc.drive.recent.infiniteQueryOptions({ limit: 100 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }) as never}
    />
  );
}

export function StarredView() {
  const trpc = useTRPC();
  const t = useT();
  return (
    <CollectionView
      title={t("app.starred")}
      empty={t("search.emptyStarred")}
      options={trpc.drive.starred.infiniteQueryOptions({ limit: 100 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }) as never}
    />
  );
}
