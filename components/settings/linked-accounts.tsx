"use client";
import { useQuery } from "@tanstack/react-query";
import { Link2 } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { formatModified } from "@/components/drive/format";
import { useLocale, useT } from "@/components/i18n/i18n-provider";

export function LinkedAccounts() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.security.overview.queryOptions());
  const t = useT();
  const locale = useLocale();
  const linked = overview.data?.linkedAccounts ?? [];
  return (
    <ul className="max-w-2xl divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
      {overview.data && linked.length === 0 ? <li className="px-4 py-6 text-center text-sm text-zinc-500">{t("security.noLinked")}</li> : null}
      {linked.map((l) => (
        <li key={l.id} className="flex items-center gap-3 px-4 py-3" data-testid="linked-row">
          <Link2 className="size-4 text-zinc-400" aria-hidden />
          <div className="min-w-0 flex-1">
            <div className="truncate text-sm font-medium">{l.provider}</div>
            <div className="truncate text-xs text-zinc-500">
              {l.email ? `${l.email} · ` : ""}
              {t("security.linkedOn", { when: formatModified(l.createdAt, locale) })}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
