"use client";
import { useState } from "react";
import clsx from "clsx";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Ban, ChevronDown, ChevronUp, Clock, Lock, Pencil, Trash2 } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { formatBytes } from "@/server/i18n/messages";
import { formatDateTime } from "@/components/share/share-format";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

export type LinkDto = RouterOutputs["share"]["links"][number];

const statusStyle = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300",
  revoked: "bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-400",
  expired: "bg-amber-50 text-amber-700 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300",
  exhausted: "bg-rose-50 text-rose-700 ring-rose-600/20 dark:bg-rose-500/10 dark:text-rose-300",
} as const;

export function LinkStatusBadge({ status }: { status: LinkDto["status"] }) {
  const t = useT();
  return <span className={clsx("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", statusStyle[status])}>{t(`sharing.status.${status}`)}</span>;
}

/** How much of a link was used: downloads (of the limit) and bytes received. */
export function linkUsage(link: LinkDto, t: ReturnType<typeof useT>): string {
  const parts: string[] = [];
  if (link.permission !== "UPLOAD") {
    parts.push(link.maxDownloads ? t("sharing.downloadsOf", { count: link.downloadCount, max: link.maxDownloads }) : t("sharing.downloads", { count: link.downloadCount }));
  }
  if (link.permission === "UPLOAD" || link.permission === "DOWNLOAD_UPLOAD") {
    parts.push(link.maxUploadBytes ? t("sharing.uploadedOf", { used: formatBytes(link.uploadedBytes), max: formatBytes(link.maxUploadBytes) }) : t("sharing.uploaded", { used: formatBytes(link.uploadedBytes) }));
  }
  return parts.join(" · ");
}

export function useInvalidateLinks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.share.links.pathKey() });
}

/** One link in the share dialog: what it allows, its status and use, and what can be done with it. */
export function LinkCard({ link, onEdit }: { link: LinkDto; onEdit: () => void }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const toast = useToast();
  const invalidate = useInvalidateLinks();
  const [showLog, setShowLog] = useState(false);
  const revoke = useMutation(trpc.share.revokeLink.mutationOptions());
  const remove = useMutation(trpc.share.deleteLink.mutationOptions());
  const log = useQuery({ ...trpc.share.accessLog.queryOptions({ linkId: link.id, limit: 50 }), enabled: showLog });
  const act = (p: Promise<unknown>, message: string) =>
    p.then(
      () => {
        toast("success", message);
        return invalidate();
      },
      (e: Error) => toast("error", e.message),
    );

  return (
    <li className="rounded-xl border border-zinc-200 p-3.5 dark:border-zinc-800" data-testid="link-card" data-status={link.status}>
      <div className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{t(`sharing.perm.${link.permission}`)}</span>
            <LinkStatusBadge status={link.status} />
            {link.hasPassword && (
              <span className="inline-flex items-center gap-1 text-xs text-zinc-500">
                <Lock className="size-3" /> {t("sharing.protectedBadge")}
              </span>
            )}
          </div>
          <p className="mt-0.5 truncate font-mono text-xs text-zinc-500">
            /s/{link.tokenPrefix}…{link.label ? <span className="font-sans"> · {link.label}</span> : null}
          </p>
          <p className="mt-1 text-xs text-zinc-500">
            {linkUsage(link, t)}
            {" · "}
            {link.lastAccessAt ? t("sharing.lastAccess", { when: formatDateTime(link.lastAccessAt, locale) }) : t("sharing.neverOpened")}
          </p>
          {link.expiresAt && (
            <p className="mt-0.5 inline-flex items-center gap-1 text-xs text-zinc-500">
              <Clock className="size-3" /> {t("sharing.expiresAt", { when: formatDateTime(link.expiresAt, locale) })}
            </p>
          )}
        </div>
        <div className="flex shrink-0 items-center gap-0.5">
          {link.status !== "revoked" && (
            <IconButton label={t("sharing.edit")} onClick={onEdit}>
              <Pencil className="size-4" />
            </IconButton>
          )}
          {link.status !== "revoked" ? (
            <IconButton label={t("sharing.revoke")} onClick={() => void act(revoke.mutateAsync({ linkId: link.id }), t("sharing.revoked"))}>
              <Ban className="size-4" />
            </IconButton>
          ) : (
            <IconButton label={t("sharing.delete")} danger onClick={() => void act(remove.mutateAsync({ linkId: link.id }), t("sharing.deleted"))}>
              <Trash2 className="size-4" />
            </IconButton>
          )}
        </div>
      </div>
      <button onClick={() => setShowLog((v) => !v)} className="mt-2 inline-flex items-center gap-1 text-xs font-medium text-brand-700 hover:underline dark:text-brand-100">
        {showLog ? <ChevronUp className="size-3.5" /> : <ChevronDown className="size-3.5" />}
        {showLog ? t("sharing.hideLog") : t("sharing.accessLog")}
      </button>
      {showLog && (
        <div className="mt-2 max-h-44 overflow-auto rounded-lg bg-zinc-50 text-xs dark:bg-zinc-950/60" data-testid="access-log">
          {log.data?.length === 0 && <p className="p-3 text-zinc-500">{t("sharing.logEmpty")}</p>}
          <table className="w-full">
            <tbody>
              {log.data?.map((r) => (
                <tr key={r.id} className="border-b border-zinc-200/70 last:border-0 dark:border-zinc-800">
                  <td className="px-3 py-1.5 whitespace-nowrap text-zinc-500 tabular-nums">{formatDateTime(r.at, locale)}</td>
                  <td className="px-2 py-1.5">{t(`sharing.logAction.${r.action as "view"}`)}</td>
                  <td className="px-2 py-1.5 font-mono text-zinc-500">{r.ip ?? "—"}</td>
                  <td className="px-3 py-1.5 text-right text-zinc-500 tabular-nums">{r.bytes !== null ? formatBytes(r.bytes) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </li>
  );
}

function IconButton({ label, onClick, danger, children }: { label: string; onClick: () => void; danger?: boolean; children: React.ReactNode }) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={label}
      title={label}
      className={clsx(
        "rounded-lg p-2 text-zinc-500 transition hover:bg-zinc-100 dark:hover:bg-zinc-800",
        danger ? "hover:text-red-600" : "hover:text-zinc-900 dark:hover:text-zinc-100",
      )}
    >
      {children}
    </button>
  );
}
