"use client";
import Link from "next/link";
import clsx from "clsx";
import { useQuery } from "@tanstack/react-query";
import { FolderKanban } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useT } from "@/components/i18n/i18n-provider";

/**
 * The sidebar's "Team folders": the ones I am a member of. Asked again every 20 s and on focus, so
 * a member an admin removes loses the link without reloading (the folder itself then answers
 * NOT_FOUND on its next refresh).
 */
export function TeamFolderLinks({ pathname }: { pathname: string }) {
  const trpc = useTRPC();
  const t = useT();
  const { data } = useQuery({ ...trpc.teams.mine.queryOptions(), refetchInterval: 20_000 });
  if (!data?.length) return null;
  return (
    <nav className="mt-6" aria-label={t("teams.sidebar")} data-testid="team-folder-links">
      <div className="px-3 pb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">{t("teams.sidebar")}</div>
      <div className="space-y-1">
        {data.map((x) => (
          <Link
            key={x.id}
            href={`/drive/${x.rootId}`}
            data-testid="team-folder-link"
            className={clsx(
              "flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition",
              pathname === `/drive/${x.rootId}` || pathname === `/trash/${x.id}`
                ? "bg-brand-50 text-brand-700 dark:bg-brand-500/15 dark:text-brand-100"
                : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800",
            )}
          >
            <FolderKanban className="size-4 shrink-0" />
            <span className="truncate">{x.name}</span>
          </Link>
        ))}
      </div>
    </nav>
  );
}
