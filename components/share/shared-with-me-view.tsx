"use client";
import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Inbox, LogOut } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { FileIcon } from "@/components/drive/file-icon";
import { PreviewDialog } from "@/components/drive/preview-dialog";
import { SharedTabs } from "@/components/share/shared-tabs";
import { formatDateTime } from "@/components/share/share-format";
import { formatBytes } from "@/server/i18n/messages";
import type { RouterOutputs } from "@/server/runtime/trpc-router";
import { useLiveChanged } from "@/components/live/live-highlight";

type Shared = RouterOutputs["share"]["sharedWithMe"][number];

/** What teammates shared with me: folders open in the drive view (the grant lets me in), files preview. */
export function SharedWithMeView() {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.share.sharedWithMe.queryOptions());
  const changed = useLiveChanged();
  const leave = useMutation(trpc.share.revokeGrant.mutationOptions());
  const [preview, setPreview] = useState<Shared | null>(null);

  return (
    <div className="mx-auto max-w-6xl px-4 py-6 sm:px-8">
      <h1 className="text-2xl font-semibold tracking-tight">{t("sharing.sharedWithMeTitle")}</h1>
      <div className="mt-4">
        <SharedTabs />
      </div>
      {list.data?.length === 0 && (
        <div className="mt-16 flex flex-col items-center text-center" data-testid="shared-empty">
          <div className="flex size-16 items-center justify-center rounded-2xl bg-zinc-100 text-zinc-400 dark:bg-zinc-800">
            <Inbox className="size-8" />
          </div>
          <p className="mt-4 font-medium">{t("sharing.sharedWithMeEmpty")}</p>
          <p className="mt-1 text-sm text-zinc-500">{t("sharing.sharedWithMeEmptyHint")}</p>
        </div>
      )}
      {!!list.data?.length && (
        <ul className="mt-4 divide-y divide-zinc-200 overflow-hidden rounded-2xl border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {list.data.map((n) => (
            <li key={n.grantId} className="flex items-center gap-3 px-4 py-3" data-testid="shared-row" data-live-changed={changed.has(n.id) || undefined}>
              <FileIcon kind={n.kind} mimeType={n.mimeType} name={n.name} className="size-6 shrink-0" />
              <div className="min-w-0 flex-1">
                {n.kind === "FOLDER" ? (
                  <Link href={`/drive/${n.id}`} className="block truncate font-medium hover:underline">
                    {n.name}
                  </Link>
                ) : (
                  <button onClick={() => setPreview(n)} className="block max-w-full truncate text-left font-medium hover:underline">
                    {n.name}
                  </button>
                )}
                <p className="truncate text-xs text-zinc-500">
                  {t("sharing.sharedBy", { name: n.owner.name })}
                  {n.viaGroup ? ` · ${t("sharing.viaGroup", { name: n.viaGroup })}` : ""} · {formatDateTime(n.sharedAt, locale)}
                  {n.kind === "FILE" ? ` · ${formatBytes(n.size)}` : ""}
                </p>
              </div>
              <span className="hidden rounded-full bg-zinc-100 px-2.5 py-0.5 text-xs font-medium text-zinc-600 sm:inline dark:bg-zinc-800 dark:text-zinc-300">
                {n.role === "EDITOR" ? t("sharing.roleEditor") : t("sharing.roleViewer")}
              </span>
              {/* A group's share is left by leaving the group. */}
              {!n.viaGroup && (
                <button
                  onClick={() =>
                    void leave.mutateAsync({ grantId: n.grantId }).then(
                      () => {
                        toast("success", t("sharing.left", { name: n.name }));
                        return queryClient.invalidateQueries({ queryKey: trpc.share.sharedWithMe.queryKey() });
                      },
                      (e: Error) => toast("error", e.message),
                    )
                  }
                  aria-label={`${t("sharing.leave")} ${n.name}`}
                  title={t("sharing.leave")}
                  className="rounded-lg p-2 text-zinc-400 hover:bg-zinc-100 hover:text-red-600 dark:hover:bg-zinc-800"
                >
                  <LogOut className="size-4" />
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {preview && <PreviewDialog node={preview} onClose={() => setPreview(null)} />}
    </div>
  );
}
