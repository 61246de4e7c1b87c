"use client";
import { useRef, useState } from "react";
import clsx from "clsx";
import { CheckCircle2, ChevronDown, ChevronUp, CloudUpload, FileUp, Pause, Play, RotateCcw, X, AlertCircle } from "lucide-react";
import { formatBytes } from "@/server/i18n/messages";
import type { RouterOutputs } from "@/server/runtime/trpc-router";
import type { UploadItem } from "@/components/upload/upload-manager";
import { useT } from "@/components/i18n/i18n-provider";
import { useBottomDockRef } from "@/components/ui/bottom-dock";

type Interrupted = RouterOutputs["upload"]["unfinished"][number];
interface Api {
  items: UploadItem[];
  enqueue(files: File[], parentId: string | null): void;
  pause(key: string): void;
  resume(key: string): void;
  cancel(key: string): void;
  clearFinished(): void;
}

function eta(item: UploadItem, t: ReturnType<typeof useT>): string {
  if (!item.speed || item.status !== "uploading") return "";
  const s = Math.ceil((item.size - item.sent) / item.speed);
  if (s < 60) return t("uploads.secondsLeft", { s });
  if (s < 3600) return t("uploads.minutesLeft", { m: Math.floor(s / 60), s: s % 60 });
  return t("uploads.hoursLeft", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

export function UploadPanel({ api, interrupted, onDiscard }: { api: Api; interrupted: Interrupted[]; onDiscard: (uploadId: string) => void }) {
  const [collapsed, setCollapsed] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const [resumeTarget, setResumeTarget] = useState<string | null>(null);
  const t = useT();
  const dockRef = useBottomDockRef();
  const { items } = api;
  if (items.length === 0 && interrupted.length === 0) return null;

  const active = items.filter((i) => i.status === "uploading" || i.status === "paused" || i.status === "hashing");
  const total = items.reduce((n, i) => n + i.size, 0);
  const sent = items.reduce((n, i) => n + i.sent, 0);
  const title = active.length
    ? t("uploads.uploadingN", { count: active.length, percent: total ? Math.floor((sent / total) * 100) : 0 })
    : items.some((i) => i.status === "error")
      ? t("uploads.attention")
      : items.length
        ? t("uploads.completeN", { count: items.length })
        : t("uploads.unfinished");

  return (
    <section
      ref={dockRef}
      data-testid="upload-panel"
      aria-label={t("uploads.panel")}
      className="fixed bottom-[calc(4.75rem+env(safe-area-inset-bottom))] right-4 z-40 md:bottom-4 w-[min(26rem,calc(100vw-2rem))] overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-2xl shadow-zinc-900/10 dark:border-zinc-700 dark:bg-zinc-900"
    >
      <header className="flex items-center gap-2 bg-zinc-900 px-4 py-3 text-sm font-medium text-white dark:bg-zinc-800">
        <FileUp className="size-4" />
        <span className="flex-1" data-testid="upload-panel-title">
          {title}
        </span>
        {!active.length && items.length ? (
          <button onClick={api.clearFinished} className="rounded px-2 py-0.5 text-xs text-zinc-300 hover:bg-white/10">
            {t("uploads.clear")}
          </button>
        ) : null}
        <button onClick={() => setCollapsed((c) => !c)} aria-label={collapsed ? t("uploads.expand") : t("uploads.collapse")} className="rounded p-1 hover:bg-white/10">
          {collapsed ? <ChevronUp className="size-4" /> : <ChevronDown className="size-4" />}
        </button>
      </header>
      {collapsed ? null : (
        <ul className="max-h-80 divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800">
          {items.map((item) => {
            const pct =
              item.status === "hashing"
                ? Math.floor(((item.hashed ?? 0) / Math.max(1, item.size)) * 100)
                : item.size
                  ? Math.floor((item.sent / item.size) * 100)
                  : item.status === "done"
                    ? 100
                    : 0;
            return (
              <li key={item.key} className="px-4 py-3" data-testid="upload-item" data-name={item.name} data-status={item.status}>
                <div className="flex items-center gap-2">
                  <span className="min-w-0 flex-1 truncate text-sm font-medium">{item.name}</span>
                  {item.status === "done" ? <CheckCircle2 className="size-4 text-emerald-500" aria-label={t("uploads.done")} /> : null}
                  {item.status === "uploading" ? (
                    <button onClick={() => api.pause(item.key)} aria-label={t("uploads.pause", { name: item.name })} className="rounded p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800">
                      <Pause className="size-4" />
                    </button>
                  ) : null}
                  {item.status === "paused" || item.status === "error" ? (
                    <button onClick={() => api.resume(item.key)} aria-label={t("uploads.resume", { name: item.name })} className="rounded p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800">
                      {item.status === "error" ? <RotateCcw className="size-4" /> : <Play className="size-4" />}
                    </button>
                  ) : null}
                  {item.status !== "done" ? (
                    <button onClick={() => api.cancel(item.key)} aria-label={t("uploads.cancelItem", { name: item.name })} className="rounded p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800">
                      <X className="size-4" />
                    </button>
                  ) : null}
                </div>
                <div
                  className="mt-2 h-1.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
                  role="progressbar"
                  aria-label={t("uploads.progress", { name: item.name })}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={pct}
                >
                  <div
                    className={clsx(
                      "h-full rounded-full transition-[width] duration-300",
                      item.status === "error" ? "bg-red-500" : item.status === "done" ? "bg-emerald-500" : item.status === "hashing" ? "bg-amber-400" : "bg-brand-500",
                    )}
                    style={{ width: `${pct}%` }}
                  />
                </div>
                <div className="mt-1.5 flex justify-between gap-3 text-xs text-zinc-500">
                  {item.status === "error" ? (
                    <span className="flex items-center gap-1 text-red-600 dark:text-red-400">
                      <AlertCircle className="size-3.5" /> {item.error}
                    </span>
                  ) : item.status === "hashing" ? (
                    <span data-testid="upload-stats">{t("uploads.checking", { percent: pct })}</span>
                  ) : item.instant ? (
                    <span data-testid="upload-stats" className="text-emerald-600 dark:text-emerald-400">
                      {t("uploads.instant", { size: formatBytes(item.size) })}
                    </span>
                  ) : (
                    <span data-testid="upload-stats">
                      {t("uploads.stats", { percent: pct, sent: formatBytes(item.sent), size: formatBytes(item.size) })}
                      {item.status === "uploading" && item.speed ? t("uploads.speed", { speed: formatBytes(Math.round(item.speed)) }) : ""}
                      {item.status === "paused" ? t("uploads.paused") : ""}
                    </span>
                  )}
                  <span className="shrink-0 whitespace-nowrap">{eta(item, t)}</span>
                </div>
                {item.via === "direct" && item.status !== "error" ? (
                  // The route on a line of its own: beside the figures it wrapped mid-phrase in English.
                  <p className="mt-1 flex items-center gap-1 text-xs text-brand-600 dark:text-brand-500" data-testid="upload-route" title={t("uploads.directHint")}>
                    <CloudUpload className="size-3.5 shrink-0" aria-hidden /> {t("uploads.direct")}
                  </p>
                ) : null}
                {item.fellBack ? (
                  <p className="mt-1 text-xs text-amber-700 dark:text-amber-400" data-testid="upload-note">
                    {t("uploads.directFallback")}
                  </p>
                ) : null}
              </li>
            );
          })}
          {interrupted.map((u) => (
            <li key={u.id} className="bg-amber-50/60 px-4 py-3 dark:bg-amber-500/5" data-testid="interrupted-upload">
              <div className="flex items-center gap-2">
                <span className="min-w-0 flex-1 truncate text-sm font-medium">{u.filename}</span>
                <span className="text-xs text-amber-700 dark:text-amber-400">
                  {t("uploads.interrupted", { percent: u.size ? Math.floor((u.offset / u.size) * 100) : 0 })}
                </span>
              </div>
              {u.viaLink ? (
                // A visitor's drop: only they can continue it; the owner may discard it.
                <p className="mt-1 text-xs text-zinc-500" title={t("drops.droppedHint")} data-testid="interrupted-drop">
                  {t("drops.droppedVia", { link: u.viaLink.label || `${u.viaLink.tokenPrefix}…` })}
                  {" · "}
                  <button className="font-medium text-zinc-500 hover:text-red-600 hover:underline" onClick={() => onDiscard(u.id)}>
                    {t("uploads.discard")}
                  </button>
                </p>
              ) : (
                <p className="mt-1 text-xs text-zinc-500">
                  {t("uploads.chooseAgain")}{" "}
                  <button
                    className="font-medium text-brand-600 hover:underline"
                    onClick={() => {
                      setResumeTarget(u.parentId);
                      picker.current?.click();
                    }}
                  >
                    {t("uploads.chooseFile")}
                  </button>
                  {" · "}
                  <button className="font-medium text-zinc-500 hover:text-red-600 hover:underline" onClick={() => onDiscard(u.id)}>
                    {t("uploads.discard")}
                  </button>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      <input
        ref={picker}
        type="file"
        hidden
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          if (files.length) api.enqueue(files, resumeTarget);
          e.target.value = "";
        }}
      />
    </section>
  );
}
