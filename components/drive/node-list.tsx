"use client";
import { useEffect, useRef, useState } from "react";
import { useTouchGestures } from "@/components/drive/use-touch-gestures";
import { useVirtualizer } from "@tanstack/react-virtual";
import clsx from "clsx";
import { ArrowDown, ArrowUp, Check, MoreHorizontal, ShieldAlert, Star } from "lucide-react";
import { FileIcon } from "@/components/drive/file-icon";
import { formatModified } from "@/components/drive/format";
import { formatBytes } from "@/server/i18n/messages";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import type { Selection } from "@/components/drive/use-selection";
import { THUMBNAIL_TYPES } from "@/server/thumbnails/thumbnail-types";
import { useLiveChanged } from "@/components/live/live-highlight";

export interface ListNode {
  id: string;
  kind: "FILE" | "FOLDER";
  name: string;
  size: number;
  mimeType: string | null;
  updatedAt: Date;
  starred?: boolean;
  /** Its bytes failed their checksum after a direct upload: never opened, downloaded or shared. */
  quarantined?: boolean;
  /** Its thumbnail's signed, cacheable URL, once the thumbnail is made (folder listings). */
  thumbnailUrl?: string | null;
  /** Where it lives, for lists that span folders (search, recent, starred). */
  location?: string;
  /** What the caller may do to it, for lists that span folders (a folder's listing says it once). */
  access?: { canWrite: boolean; canShare: boolean };
}

export const DRAG_TYPE = "application/x-yunpan-nodes";

interface Props {
  items: ListNode[];
  view: "list" | "grid";
  selection: Selection;
  focusedId: string | null;
  onFocus: (id: string) => void;
  onOpen: (node: ListNode) => void;
  onMenu: (node: ListNode, at: { x: number; y: number }) => void;
  onDropInto?: (folderId: string, ids: string[]) => void;
  hasMore?: boolean;
  loadMore?: () => void;
  showLocation?: boolean;
  /** Sortable column headers, when the list can be ordered by the server. */
  sort?: { field: "name" | "size" | "modified"; dir: "asc" | "desc"; onChange: (field: "name" | "size" | "modified") => void };
}

/**
 * The file list: only the rows on screen are in the DOM, so a folder of 100,000 entries scrolls
 * like one of ten; the next page loads as the end comes into view.
 */
export function NodeList(props: Props) {
  const { items, view, selection } = props;
  const t = useT();
  const locale = useLocale();
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const touch = useTouchGestures(selection, props.onOpen, props.onFocus);
  const narrow = width < 720;
  const changed = useLiveChanged();

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => setWidth(entry!.contentRect.width));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const columns = view === "grid" ? Math.max(2, Math.floor(width / 168)) : 1;
  const rowCount = Math.ceil(items.length / columns);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    // A phone's rows have a second line (size and date).
    estimateSize: () => (view === "grid" ? 176 : narrow ? 60 : 48),
    overscan: 8,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows.at(-1)?.index ?? 0;
  useEffect(() => {
    if (props.hasMore && lastRow >= rowCount - 10) props.loadMore?.();
  }, [lastRow, rowCount, props.hasMore, props.loadMore]);

  // Keep the focused row on screen when the keyboard moves it.
  useEffect(() => {
    if (!props.focusedId) return;
    const index = items.findIndex((n) => n.id === props.focusedId);
    if (index >= 0) virtualizer.scrollToIndex(Math.floor(index / columns), { align: "auto" });
  }, [props.focusedId]);

  const itemProps = (n: ListNode) => ({
    "data-testid": "node-row",
    "data-name": n.name,
    "data-id": n.id,
    // Changed elsewhere a moment ago: the row's background fades (globals.css).
    "data-live-changed": changed.has(n.id) || undefined,
    "data-selected": selection.has(n.id),
    role: "row" as const,
    "aria-selected": selection.has(n.id),
    tabIndex: props.focusedId === n.id ? 0 : -1,
    draggable: true,
    onDragStart: (e: React.DragEvent) => {
      const ids = selection.has(n.id) ? selection.list() : [n.id];
      e.dataTransfer.setData(DRAG_TYPE, JSON.stringify(ids));
      e.dataTransfer.effectAllowed = "move";
    },
    onDragOver: (e: React.DragEvent) => {
      if (n.kind !== "FOLDER" || !e.dataTransfer.types.includes(DRAG_TYPE) || !props.onDropInto) return;
      e.preventDefault();
      e.stopPropagation();
      setDropTarget(n.id);
    },
    onDragLeave: () => setDropTarget((d) => (d === n.id ? null : d)),
    onDrop: (e: React.DragEvent) => {
      if (n.kind !== "FOLDER" || !props.onDropInto) return;
      const raw = e.dataTransfer.getData(DRAG_TYPE);
      if (!raw) return;
      e.preventDefault();
      e.stopPropagation();
      setDropTarget(null);
      const ids = (JSON.parse(raw) as string[]).filter((id) => id !== n.id);
      if (ids.length) props.onDropInto(n.id, ids);
    },
    ...touch.handlers(n),
    onClick: (e: React.MouseEvent) => {
      if (touch.tapped(n)) return;
      props.onFocus(n.id);
      selection.click(n.id, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
    },
    onDoubleClick: () => props.onOpen(n),
    onContextMenu: (e: React.MouseEvent) => {
      e.preventDefault();
      // A finger's long press selects (see useTouchGestures); the ⋯ button opens the menu.
      if (touch.isTouch()) return;
      if (!selection.has(n.id)) selection.click(n.id);
      props.onMenu(n, { x: e.clientX, y: e.clientY });
    },
  });

  const header = (field: "name" | "size" | "modified", label: string) => {
    if (!props.sort) return label;
    const active = props.sort.field === field;
    const Arrow = props.sort.dir === "asc" ? ArrowUp : ArrowDown;
    return (
      <button
        onClick={() => props.sort!.onChange(field)}
        aria-sort={active ? (props.sort.dir === "asc" ? "ascending" : "descending") : undefined}
        className={clsx("inline-flex items-center gap-1 uppercase tracking-wide hover:text-zinc-900 dark:hover:text-zinc-100", active && "text-zinc-900 dark:text-zinc-100")}
      >
        {label}
        {active ? <Arrow className="size-3" /> : null}
      </button>
    );
  };

  const checkbox = (n: ListNode) => (
    <button
      aria-label={t("drive.select", { name: n.name })}
      onClick={(e) => {
        e.stopPropagation();
        selection.toggle(n.id);
      }}
      className={clsx(
        "flex size-4 shrink-0 items-center justify-center rounded border transition",
        selection.has(n.id)
          ? "border-brand-600 bg-brand-600 text-white"
          : clsx("border-zinc-300 dark:border-zinc-600", selection.selected.size ? "opacity-100" : "opacity-0 group-hover:opacity-100"),
      )}
    >
      {selection.has(n.id) ? <Check className="size-3" strokeWidth={3} /> : null}
    </button>
  );
  const menuButton = (n: ListNode) => (
    <button
      aria-label={t("drive.moreActions", { name: n.name })}
      onClick={(e) => {
        e.stopPropagation();
        if (!selection.has(n.id)) selection.click(n.id);
        const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
        props.onMenu(n, { x: r.right - 8, y: r.bottom + 4 });
      }}
      className="rounded-md p-1.5 text-zinc-400 opacity-60 hover:bg-zinc-200/70 hover:text-zinc-700 group-hover:opacity-100 dark:hover:bg-zinc-700"
    >
      <MoreHorizontal className="size-4" />
    </button>
  );

  return (
    <div className="overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" role="grid" aria-rowcount={items.length}>
      {view === "list" ? (
        <div className="flex border-b border-zinc-200 bg-zinc-50/80 px-4 py-2.5 text-xs font-medium uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900" role="row">
          <div className="w-7" />
          <div className="min-w-0 flex-1">{header("name", t("drive.name"))}</div>
          {props.showLocation ? <div className="hidden w-48 lg:block">{t("drive.location")}</div> : null}
          <div className="hidden w-24 justify-end md:flex">{header("size", t("drive.size"))}</div>
          <div className="hidden w-40 pl-6 md:block">{header("modified", t("drive.modified"))}</div>
          <div className="w-10" />
        </div>
      ) : null}
      <div ref={scroller} className="h-[calc(100dvh-23.5rem)] min-h-72 overflow-y-auto md:h-[calc(100vh-15.5rem)]" data-testid="node-scroller">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualRows.map((vr) => {
            const row = items.slice(vr.index * columns, vr.index * columns + columns);
            return (
              <div
                key={vr.key}
                data-index={vr.index}
                ref={virtualizer.measureElement}
                className={view === "grid" ? "grid gap-3 px-3 pt-3" : ""}
                style={{ position: "absolute", top: 0, left: 0, width: "100%", transform: `translateY(${vr.start}px)`, gridTemplateColumns: view === "grid" ? `repeat(${columns}, minmax(0, 1fr))` : undefined }}
              >
                {row.map((n) =>
                  view === "list" ? (
                    <div
                      key={n.id}
                      {...itemProps(n)}
                      className={clsx(
                        "group flex h-15 cursor-default items-center border-b border-zinc-100 px-4 text-sm outline-none select-none [-webkit-touch-callout:none] md:h-12 dark:border-zinc-800",
                        selection.has(n.id) ? "bg-brand-50 dark:bg-brand-500/10" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/50",
                        props.focusedId === n.id && "ring-2 ring-inset ring-brand-500/60",
                        dropTarget === n.id && "bg-sky-100 ring-2 ring-inset ring-sky-500 dark:bg-sky-500/20",
                      )}
                    >
                      <div className="w-7">{checkbox(n)}</div>
                      <div className="flex min-w-0 flex-1 items-center gap-3">
                        <FileIcon kind={n.kind} mimeType={n.mimeType} name={n.name} />
                        <div className="min-w-0 flex-1">
                          <div className="flex min-w-0 items-center gap-1.5">
                            <span className={clsx("truncate", n.kind === "FOLDER" && "font-medium")}>{n.name}</span>
                            {n.starred ? <Star className="size-3.5 shrink-0 fill-amber-400 text-amber-400" aria-label={t("drive.starredMark")} /> : null}
                            {n.quarantined ? <QuarantinedBadge /> : null}
                          </div>
                          {/* Below md the size and date columns are hidden: they come under the name. */}
                          <div className="mt-0.5 truncate text-xs text-zinc-500 md:hidden dark:text-zinc-400" data-testid="node-meta">
                            {[n.kind === "FILE" ? formatBytes(n.size) : t("mobile.folder"), formatModified(n.updatedAt, locale), props.showLocation ? n.location : null]
                              .filter(Boolean)
                              .join(" · ")}
                          </div>
                        </div>
                      </div>
                      {props.showLocation ? <div className="hidden w-48 truncate text-zinc-500 lg:block">{n.location}</div> : null}
                      <div className="hidden w-24 text-right tabular-nums text-zinc-500 md:block">{n.kind === "FILE" ? formatBytes(n.size) : "—"}</div>
                      <div className="hidden w-40 truncate pl-6 text-zinc-500 md:block" title={n.updatedAt.toLocaleString(locale === "zh" ? "zh-CN" : "en")}>
                        {formatModified(n.updatedAt, locale)}
                      </div>
                      <div className="flex w-10 justify-end">{menuButton(n)}</div>
                    </div>
                  ) : (
                    <div
                      key={n.id}
                      {...itemProps(n)}
                      className={clsx(
                        "group relative flex h-40 cursor-default flex-col items-center justify-center gap-2 rounded-xl border p-3 text-center text-sm outline-none select-none",
                        selection.has(n.id) ? "border-brand-500 bg-brand-50 dark:bg-brand-500/10" : "border-zinc-200 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800/50",
                        dropTarget === n.id && "border-sky-500 bg-sky-100 dark:bg-sky-500/20",
                      )}
                    >
                      <div className="absolute left-2 top-2">{checkbox(n)}</div>
                      <div className="absolute right-1 top-1">{menuButton(n)}</div>
                      <Thumb node={n} />
                      <span className="line-clamp-2 w-full break-all">{n.name}</span>
                      {n.quarantined ? <QuarantinedBadge /> : null}
                      <span className="text-xs text-zinc-500">{n.kind === "FILE" ? formatBytes(n.size) : formatModified(n.updatedAt, locale)}</span>
                    </div>
                  ),
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Grid tile picture: the WebP thumbnail for pictures (made in the background), an icon otherwise. */
function QuarantinedBadge() {
  const t = useT();
  return (
    <span
      className="inline-flex shrink-0 items-center gap-1 rounded-full bg-red-50 px-1.5 py-0.5 text-[11px] font-medium text-red-700 ring-1 ring-inset ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/30"
      title={t("drive.quarantinedHint")}
      data-testid="quarantined-badge"
    >
      <ShieldAlert className="size-3" aria-hidden />
      {t("drive.quarantined")}
    </span>
  );
}

function Thumb({ node }: { node: ListNode }) {
  // A picture just uploaded may not have its thumbnail yet (no signed URL in the listing): ask
  // again a few times, then show the icon.
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState(false);
  if (node.kind === "FILE" && THUMBNAIL_TYPES.has(node.mimeType ?? "") && !node.quarantined && !failed) {
    const version = new Date(node.updatedAt).getTime();
    // The signed URL first; should it fail (a page left open past its window), the session's.
    return (
      <img
        src={attempt === 0 && node.thumbnailUrl ? node.thumbnailUrl : `/api/files/${node.id}/thumbnail?v=${version}${attempt ? `&a=${attempt}` : ""}`}
        alt=""
        loading="lazy"
        onError={() => (attempt < 3 ? setTimeout(() => setAttempt((a) => a + 1), 1500 * (attempt + 1)) : setFailed(true))}
        className="h-20 w-full rounded-md object-cover"
      />
    );
  }
  return <FileIcon kind={node.kind} mimeType={node.mimeType} name={node.name} className="size-12" />;
}
