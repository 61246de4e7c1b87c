"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link2, Lock } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { FileIcon } from "@/components/drive/file-icon";
import { SharedTabs } from "@/components/share/shared-tabs";
import { ShareDialog, type ShareTarget } from "@/components/share/share-dialog";
import { LinkStatusBadge, linkUsage } from "@/components/share/link-card";
import { formatDateTime } from "@/components/share/share-format";

/** Every link I made: what it shares, its status, its use and last access; a row opens its share dialog. */
export function MyLinksView() {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const links = useQuery(trpc.share.links.queryOptions({}));
  const [open, setOpen] = useState<ShareTarget | null>(null);

  return (
    <div className="mx-auto max-w-6xl px-4 py-6 sm:px-8">
      <h1 className="text-2xl font-semibold tracking-tight">{t("sharing.myLinksTitle")}</h1>
      <div className="mt-4">
        <SharedTabs />
      </div>
      {links.data?.length === 0 && (
        <div className="mt-16 flex flex-col items-center text-center">
          <div className="flex size-16 items-center justify-center rounded-2xl bg-zinc-100 text-zinc-400 dark:bg-zinc-800">
            <Link2 className="size-8" />
          </div>
          <p className="mt-4 font-medium">{t("sharing.myLinksEmpty")}</p>
          <p className="mt-1 text-sm text-zinc-500">{t("sharing.myLinksEmptyHint")}</p>
        </div>
      )}
      {!!links.data?.length && (
        <div className="mt-4 overflow-x-auto rounded-2xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full text-sm">
            <thead className="border-b border-zinc-200 text-left text-xs font-medium text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="w-[45%] px-4 py-2.5">{t("sharing.colItem")}</th>
                <th className="px-3 py-2.5">{t("sharing.colStatus")}</th>
                <th className="hidden px-3 py-2.5 md:table-cell">{t("sharing.colUse")}</th>
                <th className="hidden px-4 py-2.5 lg:table-cell">{t("sharing.colLastAccess")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {links.data.map((l) => (
                <tr key={l.id} className="cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800/40" onClick={() => setOpen({ id: l.nodeId, name: l.nodeName, kind: l.nodeKind })} data-testid="my-link-row">
                  <td className="max-w-0 px-4 py-3">
                    <div className="flex items-center gap-3">
                      <FileIcon kind={l.nodeKind} mimeType={null} name={l.nodeName} className="size-5 shrink-0" />
                      <div className="min-w-0">
                        <div className="truncate font-medium">{l.nodeName}</div>
                        <div className="flex items-center gap-1.5 truncate text-xs text-zinc-500">
                          {t(`sharing.perm.${l.permission}`)}
                          {l.hasPassword && <Lock className="size-3" />}
                          <span className="font-mono">/s/{l.tokenPrefix}…</span>
                          {l.label && <span>· {l.label}</span>}
                        </div>
                      </div>
                    </div>
                  </td>
                  <td className="px-3 py-3 whitespace-nowrap">
                    <LinkStatusBadge status={l.status} />
                  </td>
                  <td className="hidden px-3 py-3 text-xs whitespace-nowrap text-zinc-500 md:table-cell">{linkUsage(l, t)}</td>
                  <td className="hidden px-4 py-3 text-xs whitespace-nowrap text-zinc-500 lg:table-cell">{l.lastAccessAt ? formatDateTime(l.lastAccessAt, locale) : t("sharing.neverOpened")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <ShareDialog node={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
