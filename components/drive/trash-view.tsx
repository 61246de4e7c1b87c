"use client";
import { useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { ArrowLeft, Check, Folder, Info, Minus, RotateCcw, Trash2, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { useTRPC } from "@/components/trpc/client";
import { FileIcon } from "@/components/drive/file-icon";
import { formatModified } from "@/components/drive/format";
import { useSelection } from "@/components/drive/use-selection";
import { formatBytes } from "@/server/i18n/messages";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import type { RouterOutputs } from "@/server/runtime/trpc-router";
import { useLiveChanged } from "@/components/live/live-highlight";

type TrashItem = RouterOutputs["drive"]["listTrash"]["items"][number];
type Confirm = { kind: "purge"; items: TrashItem[] } | { kind: "empty" };

const DAY_MS = 86_400_000;
/** Items this close to their purge date say so in the list. */
const SOON_DAYS = 3;

/** The caller's own trash, or with `teamFolderId` a team folder's (its editors and managers). */
export function TrashView({ teamFolderId = null }: { teamFolderId?: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const t = useT();
  const locale = useLocale();
  const [confirm, setConfirm] = useState<Confirm | null>(null);

  const changed = useLiveChanged();
  const query = useInfiniteQuery(trpc.drive.listTrash.infiniteQueryOptions({ limit: 100, teamFolderId }, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  const info = useQuery(trpc.drive.trashInfo.queryOptions());
  const teams = useQuery({ ...trpc.teams.mine.queryOptions(), enabled: teamFolderId !== null });
  const team = teamFolderId ? (teams.data?.find((x) => x.id === teamFolderId) ?? null) : null;
  const root = team ? { name: team.name, href: `/drive/${team.rootId}` } : null;
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const ids = useMemo(() => items.map((n) => n.id), [items]);
  const selection = useSelection(ids);
  const selected = items.filter((n) => selection.has(n.id));

  const restore = useMutation(trpc.drive.restore.mutationOptions());
  const purge = useMutation(trpc.drive.purge.mutationOptions());
  const empty = useMutation(trpc.drive.emptyTrash.mutationOptions());
  const busy = restore.isPending || purge.isPending || empty.isPending;

  // Restoring or deleting changes folders, the trash and the storage meter alike.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.drive.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.teams.mine.queryKey() }),
    ]);

  /** Items that left the trash leave the selection; the rest of it stays. */
  const forget = (gone: TrashItem[]) => selection.set(selection.list().filter((id) => !gone.some((n) => n.id === id)));

  async function doRestore(targets: TrashItem[]) {
    if (targets.length === 0) return;
    try {
      const restored = await restore.mutateAsync({ nodeIds: targets.map((n) => n.id) });
      forget(targets);
      await refresh();
      const first = restored[0];
      if (restored.length === 1 && first) {
        const href = !teamFolderId && targets[0]?.originalPath?.[0]?.id === first.parentId ? "/drive" : `/drive/${first.parentId}`;
        toast("success", t("trash.restoredOne", { name: first.name }), { label: t("trash.show"), onClick: () => router.push(href) });
      } else toast("success", t("trash.restoredMany", { count: restored.length }));
    } catch (e) {
      toast("error", (e as Error).message);
    }
  }

  async function doConfirm() {
    if (!confirm) return;
    try {
      if (confirm.kind === "empty") {
        const result = await empty.mutateAsync({ teamFolderId });
        toast("success", t("trash.emptied", { size: formatBytes(result.freedBytes) }));
      } else {
        const result = await purge.mutateAsync({ nodeIds: confirm.items.map((n) => n.id) });
        const size = formatBytes(result.freedBytes);
        const only = confirm.items.length === 1 ? confirm.items[0] : undefined;
        toast("success", only ? t("trash.purgedOne", { name: only.name, size }) : t("trash.purgedMany", { count: confirm.items.length, size }));
      }
      forget(confirm.kind === "empty" ? items : confirm.items);
      setConfirm(null);
      await refresh();
    } catch (e) {
      setConfirm(null);
      toast("error", (e as Error).message);
    }
  }

  // Ctrl/⌘+A selects everything loaded, Escape clears, Delete asks to delete the selection forever.
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    if (confirm || (e.target as HTMLElement | null)?.closest("input, textarea, [contenteditable]")) return;
    if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "a") {
      e.preventDefault();
      selection.selectAll();
    } else if (e.key === "Escape") selection.clear();
    else if ((e.key === "Delete" || e.key === "Backspace") && selected.length > 0) setConfirm({ kind: "purge", items: selected });
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  const days = info.data?.trashDays;
  const quotaNotice = teamFolderId ? t("teams.trashNotice") : t("trash.quotaNotice");
  const allSelected = items.length > 0 && selected.length === items.length;
  const now = Date.now();

  return (
    <div className="px-4 py-5 md:px-8">
      <div className="flex h-11 items-center gap-3">
        {selected.length > 0 ? (
          <div
            className="flex h-11 min-w-0 flex-1 items-center gap-1 rounded-xl bg-brand-50 pr-2 pl-1.5 text-sm dark:bg-brand-500/15"
            data-testid="trash-selection-bar"
          >
            <button
              onClick={selection.clear}
              aria-label={t("trash.clearSelection")}
              title={t("trash.clearSelection")}
              className="rounded-md p-1.5 text-zinc-600 hover:bg-white/70 dark:text-zinc-300 dark:hover:bg-white/10"
            >
              <X className="size-4" />
            </button>
            <span className="mr-auto font-medium text-brand-700 dark:text-brand-100">{t("trash.selected", { count: selected.length })}</span>
            <Button variant="ghost" className="py-1.5 hover:bg-white/70 dark:hover:bg-white/10" onClick={() => void doRestore(selected)} disabled={busy}>
              <RotateCcw className="size-4" /> {t("trash.restore")}
            </Button>
            <Button
              variant="ghost"
              className="py-1.5 text-red-600 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-500/10"
              onClick={() => setConfirm({ kind: "purge", items: selected })}
              disabled={busy}
            >
              <Trash2 className="size-4" /> {t("trash.deleteForever")}
            </Button>
          </div>
        ) : (
          <div className="flex min-w-0 flex-1 items-center gap-2">
            {root ? (
              <Link
                href={root.href}
                aria-label={t("teams.backTo", { name: root.name })}
                title={t("teams.backTo", { name: root.name })}
                className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
              >
                <ArrowLeft className="size-4" />
              </Link>
            ) : null}
            <h1 className="truncate text-lg font-semibold">{root ? t("teams.trashOf", { name: root.name }) : teamFolderId ? "" : t("trash.title")}</h1>
          </div>
        )}
      </div>

      <div className="mt-4 flex flex-col gap-3 rounded-xl border border-zinc-200 bg-zinc-100/70 px-4 py-3 text-sm text-zinc-600 sm:flex-row sm:items-center dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400" data-testid="trash-notice">
        <Info className="hidden size-4 shrink-0 text-zinc-400 sm:block" aria-hidden />
        <p className="flex-1">
          {days === undefined
            ? quotaNotice
            : t("trash.notice", { quota: quotaNotice, purge: days === 0 ? t("trash.autoPurgeNow") : t("trash.autoPurge", { days }) })}
        </p>
        <Button variant="secondary" className="shrink-0 self-start sm:self-auto" onClick={() => setConfirm({ kind: "empty" })} disabled={items.length === 0 || busy}>
          {t("trash.emptyTrash")}
        </Button>
      </div>

      {query.isError ? (
        <p role="alert" className="mt-10 text-center text-sm text-red-600 dark:text-red-400">
          {t("trash.loadFailed")}
        </p>
      ) : !query.isPending && items.length === 0 ? (
        <div className="flex flex-col items-center px-6 py-24 text-center" data-testid="trash-empty">
          <div className="flex size-16 items-center justify-center rounded-full bg-zinc-100 text-zinc-400 dark:bg-zinc-800/80 dark:text-zinc-500">
            <Trash2 className="size-8" strokeWidth={1.5} />
          </div>
          <h2 className="mt-4 font-semibold">{t("trash.empty")}</h2>
          <p className="mt-1 max-w-sm text-sm text-zinc-500">{t("trash.emptyHint")}</p>
        </div>
      ) : (
        <div className="mt-4 overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full table-fixed text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50/80 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900">
              <tr>
                <th className="w-11 py-2.5 pl-4">
                  <Checkbox
                    className={items.length === 0 ? "invisible" : ""}
                    label={t("trash.selectAll")}
                    checked={allSelected}
                    indeterminate={selected.length > 0 && !allSelected}
                    onChange={() => (allSelected ? selection.clear() : selection.selectAll())}
                  />
                </th>
                <th className="px-3 py-2.5 font-medium">{t("trash.name")}</th>
                <th className="hidden w-[22%] px-3 py-2.5 font-medium lg:table-cell">{t("trash.location")}</th>
                <th className="hidden w-44 px-3 py-2.5 font-medium md:table-cell">{t("trash.deleted")}</th>
                <th className="hidden w-24 px-3 py-2.5 text-right font-medium sm:table-cell">{t("trash.size")}</th>
                <th className="w-24 px-2 py-2.5">
                  <span className="sr-only">{t("drive.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {query.isPending
                ? Array.from({ length: 5 }, (_, i) => (
                    <tr key={i}>
                      <td className="px-4 py-3.5" colSpan={6}>
                        <div className="h-4 w-1/3 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
                      </td>
                    </tr>
                  ))
                : items.map((n) => {
                    const isSelected = selection.has(n.id);
                    const daysLeft = Math.max(0, Math.ceil((n.expiresAt.getTime() - now) / DAY_MS));
                    return (
                      <tr
                        key={n.id}
                        data-testid="trash-row"
                        data-live-changed={changed.has(n.id) || undefined}
                        data-name={n.name}
                        aria-selected={isSelected}
                        onClick={(e) => selection.click(n.id, { shift: e.shiftKey, toggle: e.metaKey || e.ctrlKey })}
                        className={clsx(
                          "group cursor-default select-none",
                          isSelected ? "bg-brand-50 dark:bg-brand-500/10" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/50",
                        )}
                      >
                        <td className="py-2.5 pl-4" onClick={(e) => e.stopPropagation()}>
                          <Checkbox
                            label={t("trash.selectItem", { name: n.name })}
                            checked={isSelected}
                            onChange={() => selection.toggle(n.id)}
                            className={selected.length > 0 ? "" : "opacity-0 group-hover:opacity-100 focus-within:opacity-100"}
                          />
                        </td>
                        <td className="px-3 py-2.5">
                          <div className="flex min-w-0 items-center gap-3">
                            <FileIcon kind={n.kind} mimeType={n.mimeType} name={n.name} />
                            <span className="truncate font-medium text-zinc-800 dark:text-zinc-100" title={n.name}>
                              {n.name}
                            </span>
                          </div>
                        </td>
                        <td className="hidden px-3 py-2.5 lg:table-cell">
                          <Location path={n.originalPath} root={root} />
                        </td>
                        <td
                          className="hidden px-3 py-2.5 text-zinc-500 md:table-cell"
                          title={t("trash.expiresOn", { date: n.expiresAt.toLocaleDateString(locale === "zh" ? "zh-CN" : "en", { dateStyle: "long" }) })}
                        >
                          <div>{formatModified(n.trashedAt, locale)}</div>
                          {daysLeft <= SOON_DAYS ? <div className="text-xs text-amber-600 dark:text-amber-400">{t("trash.expiresIn", { days: Math.max(1, daysLeft) })}</div> : null}
                        </td>
                        <td className="hidden px-3 py-2.5 text-right tabular-nums text-zinc-500 sm:table-cell">{n.kind === "FILE" ? formatBytes(n.size) : "—"}</td>
                        <td className="px-2 py-2.5 text-right whitespace-nowrap" onClick={(e) => e.stopPropagation()}>
                          <IconAction label={t("trash.restoreNamed", { name: n.name })} onClick={() => void doRestore([n])} disabled={busy}>
                            <RotateCcw className="size-4" />
                          </IconAction>
                          <IconAction label={t("trash.deleteForeverNamed", { name: n.name })} danger onClick={() => setConfirm({ kind: "purge", items: [n] })} disabled={busy}>
                            <Trash2 className="size-4" />
                          </IconAction>
                        </td>
                      </tr>
                    );
                  })}
            </tbody>
          </table>
          {query.hasNextPage ? (
            <div className="border-t border-zinc-100 p-3 text-center dark:border-zinc-800">
              <Button variant="ghost" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                {query.isFetchingNextPage ? t("drive.loading") : t("trash.loadMore")}
              </Button>
            </div>
          ) : null}
        </div>
      )}

      {confirm ? (
        <ConfirmDialog
          title={confirm.kind === "empty" ? t("trash.confirmEmptyTitle") : t("trash.confirmDeleteTitle")}
          body={
            confirm.kind === "empty"
              ? t("trash.confirmEmpty")
              : confirm.items.length === 1
                ? t("trash.confirmDeleteOne", { name: confirm.items[0]!.name })
                : t("trash.confirmDeleteMany", { count: confirm.items.length })
          }
          detail={t("trash.cannotUndo")}
          confirmLabel={confirm.kind === "empty" ? t("trash.emptyTrash") : t("trash.deleteForever")}
          cancelLabel={t("trash.cancel")}
          pending={purge.isPending || empty.isPending}
          onConfirm={() => void doConfirm()}
          onClose={() => setConfirm(null)}
        />
      ) : null}
    </div>
  );
}

/** The folder an item was deleted from, as a link; the full path shows on hover. */
function Location({ path, root }: { path: TrashItem["originalPath"]; root: { name: string; href: string } | null }) {
  const t = useT();
  if (!path || path.length === 0) {
    return (
      <span className="text-zinc-400 italic" title={root ? undefined : t("trash.locationGoneHint")}>
        {t("trash.locationGone")}
      </span>
    );
  }
  // A team folder's root is shown under the team folder's name, not as My Drive.
  const names = path.map((c) => (c.isRoot ? (root?.name ?? t("app.myDrive")) : c.name));
  const last = path[path.length - 1]!;
  return (
    <Link
      href={last.isRoot ? (root?.href ?? "/drive") : `/drive/${last.id}`}
      title={names.join(" / ")}
      onClick={(e) => e.stopPropagation()}
      className="inline-flex max-w-full items-center gap-1.5 rounded-md px-1.5 py-0.5 -ml-1.5 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
    >
      <Folder className="size-3.5 shrink-0 fill-sky-400/30 text-sky-500" />
      <span className="truncate">{names[names.length - 1]}</span>
    </Link>
  );
}

/** A native checkbox (keyboard and screen readers for free) drawn like the drive list's. */
function Checkbox(props: { label: string; checked: boolean; indeterminate?: boolean; onChange: () => void; className?: string }) {
  const { indeterminate = false } = props;
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <span className={clsx("relative flex size-4", props.className)}>
      <input
        ref={ref}
        type="checkbox"
        aria-label={props.label}
        checked={props.checked}
        onChange={props.onChange}
        className="peer size-4 cursor-pointer appearance-none rounded border border-zinc-300 bg-white transition checked:border-brand-600 checked:bg-brand-600 indeterminate:border-brand-600 indeterminate:bg-brand-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 dark:border-zinc-600 dark:bg-zinc-900 dark:checked:border-brand-500 dark:checked:bg-brand-500"
      />
      <Check className="pointer-events-none absolute inset-0 hidden size-4 p-0.5 text-white peer-checked:block" strokeWidth={3.5} aria-hidden />
      <Minus className="pointer-events-none absolute inset-0 hidden size-4 p-0.5 text-white peer-indeterminate:block" strokeWidth={3.5} aria-hidden />
    </span>
  );
}

function IconAction({ label, danger = false, ...props }: { label: string; danger?: boolean } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      {...props}
      aria-label={label}
      title={label}
      className={clsx(
        "inline-flex rounded-md p-1.5 text-zinc-400 opacity-70 transition group-hover:opacity-100 focus-visible:opacity-100 disabled:opacity-40",
        danger ? "hover:bg-red-50 hover:text-red-600 dark:hover:bg-red-500/10 dark:hover:text-red-400" : "hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-700 dark:hover:text-zinc-100",
      )}
    />
  );
}
