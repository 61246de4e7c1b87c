"use client";
import { useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import clsx from "clsx";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bell, CheckCheck, FolderInput, Share2, ShieldAlert } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { formatDateTime } from "@/components/share/share-format";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type Item = RouterOutputs["notify"]["list"]["items"][number];

/** The bell with the unread count, and the list of notifications it opens. */
export function NotificationBell({ align = "right" }: { align?: "left" | "right" }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  // New notifications arrive over the live stream (components/live); the slow poll is a fallback
  // for a proxy that blocks it.
  const unread = useQuery({ ...trpc.notify.unread.queryOptions(), refetchInterval: 300_000 });
  const list = useQuery({ ...trpc.notify.list.queryOptions({ limit: 30 }), enabled: open });
  const markRead = useMutation(trpc.notify.markRead.mutationOptions());
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.notify.unread.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.notify.list.pathKey() })]);

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key !== "Escape") return;
      if (e instanceof MouseEvent && ref.current?.contains(e.target as Node)) return;
      setOpen(false);
    };
    window.addEventListener("mousedown", close);
    window.addEventListener("keydown", close);
    return () => {
      window.removeEventListener("mousedown", close);
      window.removeEventListener("keydown", close);
    };
  }, [open]);

  const text = (n: Item) => {
    const d = n.data;
    if (d.kind === "webhookFailing") return t("webhooks.failingNotice", { url: d.url, error: d.error });
    if (d.kind === "quarantined") return t("sharing.notifications.quarantined", { item: d.item });
    if (d.kind === "grant") return t("sharing.notifications.grant", { from: d.from, item: d.item, role: t(`sharing.notifications.role${d.role}`) });
    return d.names.length ? t("sharing.notifications.dropsBy", { count: d.count, item: d.item, names: d.names.join(", ") }) : t("sharing.notifications.drops", { count: d.count, item: d.item });
  };
  const go = async (n: Item) => {
    if (!n.readAt) await markRead.mutateAsync({ ids: [n.id] }).catch(() => {});
    await refresh();
    setOpen(false);
    const d = n.data;
    router.push(
      d.kind === "webhookFailing"
        ? "/settings/integrations"
        : d.kind === "drops"
          ? `/drive/${d.folderId}`
          : d.kind === "quarantined"
            ? (d.folderId ? `/drive/${d.folderId}` : "/drive")
            : d.nodeKind === "FOLDER"
              ? `/drive/${d.nodeId}`
              : "/shared",
    );
  };
  const count = unread.data ?? 0;

  return (
    <div className="relative" ref={ref}>
      <button
        onClick={() => setOpen((v) => !v)}
        aria-label={`${t("sharing.notifications.title")}${count ? ` (${count})` : ""}`}
        aria-expanded={open}
        data-testid="notification-bell"
        className="relative rounded-lg p-2 text-zinc-600 transition hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800"
      >
        <Bell className="size-5" />
        {count > 0 && (
          <span data-testid="unread-count" className="absolute -top-0.5 -right-0.5 flex h-4.5 min-w-4.5 items-center justify-center rounded-full bg-red-500 px-1 text-[10px] font-semibold text-white ring-2 ring-white dark:ring-zinc-900">
            {count > 99 ? "99+" : count}
          </span>
        )}
      </button>
      {open && (
        <div
          className={clsx(
            "absolute z-50 mt-2 w-[min(22rem,calc(100vw-2rem))] overflow-hidden rounded-2xl border border-zinc-200 bg-white shadow-2xl dark:border-zinc-700 dark:bg-zinc-900",
            align === "right" ? "right-0" : "left-0",
          )}
          data-testid="notification-list"
        >
          <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
            <span className="font-semibold">{t("sharing.notifications.title")}</span>
            {count > 0 && (
              <button onClick={() => void markRead.mutateAsync({}).then(refresh)} className="inline-flex items-center gap-1 text-xs font-medium text-brand-700 hover:underline dark:text-brand-100">
                <CheckCheck className="size-3.5" /> {t("sharing.notifications.markAll")}
              </button>
            )}
          </div>
          <ul className="max-h-96 overflow-y-auto">
            {list.data?.items.length === 0 && <li className="px-4 py-10 text-center text-sm text-zinc-500">{t("sharing.notifications.empty")}</li>}
            {list.data?.items.map((n) => (
              <li key={n.id}>
                <button onClick={() => void go(n)} className="flex w-full gap-3 px-4 py-3 text-left hover:bg-zinc-50 dark:hover:bg-zinc-800/60" data-testid="notification-item">
                  <span
                    className={clsx(
                      "mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full",
                      n.data.kind === "drops"
                        ? "bg-emerald-50 text-emerald-600 dark:bg-emerald-500/15"
                        : n.data.kind === "quarantined"
                          ? "bg-red-50 text-red-600 dark:bg-red-500/15 dark:text-red-400"
                          : "bg-brand-50 text-brand-600 dark:bg-brand-500/15",
                    )}
                  >
                    {n.data.kind === "drops" ? <FolderInput className="size-4" /> : n.data.kind === "quarantined" ? <ShieldAlert className="size-4" /> : <Share2 className="size-4" />}
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className={clsx("block text-sm", !n.readAt && "font-medium")}>{text(n)}</span>
                    <span className="mt-0.5 block text-xs text-zinc-500">{formatDateTime(n.createdAt, locale)}</span>
                  </span>
                  {!n.readAt && <span className="mt-2 size-2 shrink-0 rounded-full bg-brand-500" aria-hidden />}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
