"use client";
import { useEffect, useEffectEvent, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { Download, History, RotateCcw, Trash2, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { useTRPC } from "@/components/trpc/client";
import { formatModified } from "@/components/drive/format";
import { formatBytes } from "@/server/i18n/messages";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type Version = RouterOutputs["drive"]["versions"][number];

/** Where the bytes of one version of a file are downloaded from. */
export function versionContentUrl(nodeId: string, versionId: string) {
  // `redirect=1`: after the access check the browser is sent to the blob's signed URL.
  return `/api/files/${nodeId}/content?version=${encodeURIComponent(versionId)}&redirect=1`;
}

/**
 * A file's version history: download any version, make an old one current again (it comes back
 * as the newest version, so nothing is lost), or delete one after an inline confirmation.
 */
/** `readOnly`: the caller may only read the file (a viewer): versions are listed and downloaded, not restored or deleted. */
export function VersionsDialog({ nodeId, name, readOnly = false, onClose }: { nodeId: string; name: string; readOnly?: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const t = useT();
  const locale = useLocale();
  const [confirming, setConfirming] = useState<string | null>(null);

  const versions = useQuery(trpc.drive.versions.queryOptions({ nodeId }));
  const restore = useMutation(trpc.drive.restoreVersion.mutationOptions());
  const remove = useMutation(trpc.drive.deleteVersion.mutationOptions());
  const busy = restore.isPending || remove.isPending;
  const list = versions.data ?? [];

  // A restore or delete changes the file's size and the owner's storage, not only this list.
  const refresh = () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: trpc.drive.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() })]);

  async function doRestore(v: Version) {
    try {
      const created = await restore.mutateAsync({ nodeId, versionId: v.id });
      await refresh();
      toast("success", t("versions.restored", { number: v.number, newNumber: created.number }));
    } catch (e) {
      toast("error", (e as Error).message);
    }
  }

  async function doDelete(v: Version) {
    try {
      await remove.mutateAsync({ nodeId, versionId: v.id });
      setConfirming(null);
      await refresh();
      toast("success", t("versions.deleted", { number: v.number }));
    } catch (e) {
      setConfirming(null);
      toast("error", (e as Error).message);
    }
  }

  // Escape first backs out of a pending confirmation, then closes.
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    if (confirming) setConfirming(null);
    else onClose();
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  const tag = locale === "zh" ? "zh-CN" : "en";

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-zinc-950/40 p-4 backdrop-blur-[2px]" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="versions-title"
        data-testid="versions-dialog"
        className="flex max-h-[85vh] w-full max-w-xl flex-col overflow-hidden rounded-2xl bg-white shadow-2xl dark:bg-zinc-900 dark:ring-1 dark:ring-white/10"
      >
        <div className="flex items-start gap-3 border-b border-zinc-200 px-6 pt-5 pb-4 dark:border-zinc-800">
          <div className="flex size-10 shrink-0 items-center justify-center rounded-full bg-sky-100 text-sky-600 dark:bg-sky-500/15">
            <History className="size-5" />
          </div>
          <div className="min-w-0 flex-1">
            <h2 id="versions-title" className="text-lg font-semibold">
              {t("versions.title")}
            </h2>
            <p className="truncate text-sm text-zinc-500" title={name}>
              {name}
            </p>
          </div>
          <button
            onClick={onClose}
            aria-label={t("versions.close")}
            className="-mt-1 -mr-2 rounded-lg p-2 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
          >
            <X className="size-5" />
          </button>
        </div>

        <div className="min-h-0 flex-1 overflow-y-auto">
          {versions.isPending ? (
            <div className="space-y-3 px-6 py-5" aria-label={t("versions.loading")}>
              {Array.from({ length: 3 }, (_, i) => (
                <div key={i} className="h-12 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-800" />
              ))}
            </div>
          ) : versions.isError ? (
            <p role="alert" className="px-6 py-8 text-center text-sm text-red-600 dark:text-red-400">
              {t("versions.loadFailed")}
            </p>
          ) : (
            <ol className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {list.map((v) => (
                <li
                  key={v.id}
                  data-testid="version-row"
                  data-number={v.number}
                  data-current={v.isCurrent || undefined}
                  className={clsx("group px-6 py-3", confirming === v.id && "bg-red-50 dark:bg-red-500/10")}
                >
                  <div className="flex items-center gap-4">
                    <div
                      className={clsx(
                        "flex h-8 min-w-10 shrink-0 items-center justify-center rounded-lg px-2 text-xs font-semibold tabular-nums",
                        v.isCurrent ? "bg-brand-600 text-white" : "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
                      )}
                    >
                      v{v.number}
                    </div>
                    <div className="min-w-0 flex-1">
                      <div className="flex items-center gap-2 text-sm">
                        <span className="font-medium">{t("versions.version", { number: v.number })}</span>
                        {v.isCurrent ? (
                          <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-[11px] font-semibold text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300">
                            {t("versions.current")}
                          </span>
                        ) : null}
                      </div>
                      <div className="truncate text-xs text-zinc-500">
                        <span title={v.createdAt.toLocaleString(tag)}>{formatModified(v.createdAt, locale)}</span>
                        {" · "}
                        <span className="tabular-nums">{formatBytes(v.size)}</span>
                        {v.createdBy ? ` · ${t("versions.by", { name: v.createdBy })}` : ""}
                      </div>
                    </div>
                    {confirming === v.id ? null : (
                      <div className="flex shrink-0 items-center gap-1">
                        {v.isCurrent || readOnly ? null : (
                          <Button variant="secondary" className="px-2.5 py-1.5 text-xs" onClick={() => void doRestore(v)} disabled={busy} aria-label={t("versions.restoreNamed", { number: v.number })}>
                            <RotateCcw className="size-3.5" /> {t("versions.restore")}
                          </Button>
                        )}
                        <a
                          href={versionContentUrl(nodeId, v.id)}
                          download={name}
                          aria-label={t("versions.download", { number: v.number })}
                          title={t("versions.download", { number: v.number })}
                          className="rounded-md p-2 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
                        >
                          <Download className="size-4" />
                        </a>
                        {list.length > 1 && !readOnly ? (
                          <button
                            onClick={() => setConfirming(v.id)}
                            disabled={busy}
                            aria-label={t("versions.delete", { number: v.number })}
                            title={t("versions.delete", { number: v.number })}
                            className="rounded-md p-2 text-zinc-400 hover:bg-red-50 hover:text-red-600 disabled:opacity-40 dark:hover:bg-red-500/10 dark:hover:text-red-400"
                          >
                            <Trash2 className="size-4" />
                          </button>
                        ) : null}
                      </div>
                    )}
                  </div>
                  {confirming === v.id ? (
                    <div role="alert" className="mt-3 flex flex-wrap items-center justify-end gap-2">
                      <p className="mr-auto text-sm text-red-700 dark:text-red-300">{t("versions.confirmDelete", { number: v.number })}</p>
                      <Button autoFocus variant="ghost" className="py-1.5" onClick={() => setConfirming(null)}>
                        {t("versions.cancel")}
                      </Button>
                      <Button variant="danger" className="py-1.5" onClick={() => void doDelete(v)} disabled={busy}>
                        {t("versions.confirm")}
                      </Button>
                    </div>
                  ) : null}
                </li>
              ))}
            </ol>
          )}
        </div>

        <p className="border-t border-zinc-200 bg-zinc-50 px-6 py-3 text-xs text-zinc-500 dark:border-zinc-800 dark:bg-zinc-950/40">{t("versions.hint")}</p>
      </div>
    </div>
  );
}
