"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import Link from "next/link";
import { useInfiniteQuery } from "@tanstack/react-query";
import clsx from "clsx";
import { ChevronRight, Download, Eye, FolderInput, FolderPlus, FolderUp, HardDrive, LayoutGrid, List, Share2, Trash2, Upload, UploadCloud, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useTRPC, useTRPCClient } from "@/components/trpc/client";
import { useUploadConflicts, type ConflictChoice } from "@/components/upload/upload-conflicts";
import { useUploads } from "@/components/upload/upload-manager";
import { NewFolderDialog } from "@/components/drive/new-folder-dialog";
import { NodeList, DRAG_TYPE, type ListNode } from "@/components/drive/node-list";
import { useSelection } from "@/components/drive/use-selection";
import { useNodeActions } from "@/components/drive/use-node-actions";
import { useListKeyboard } from "@/components/drive/use-list-keyboard";
import { filesFromDrop, type DroppedFile } from "@/components/drive/dropped-files";
import { useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { PreviewDialog } from "@/components/drive/preview-dialog";
import { VersionsDialog } from "@/components/drive/versions-dialog";

export function DriveView({ folderId }: { folderId: string | null }) {
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const uploads = useUploads();
  const conflicts = useUploadConflicts();
  const t = useT();
  const toast = useToast();
  const [newFolder, setNewFolder] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [view, setView] = useState<"list" | "grid">("list");
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [sort, setSort] = useState<{ field: "name" | "size" | "modified"; dir: "asc" | "desc" }>({ field: "name", dir: "asc" });
  const dragDepth = useRef(0);
  const picker = useRef<HTMLInputElement>(null);
  const folderPicker = useRef<HTMLInputElement>(null);

  const query = useInfiniteQuery(
    trpc.drive.list.infiniteQueryOptions({ folderId, limit: 200, sort: sort.field, dir: sort.dir }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const first = query.data?.pages[0];
  const items: ListNode[] = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const ids = useMemo(() => items.map((n) => n.id), [items]);
  const selection = useSelection(ids);
  const currentId = first?.folder.id ?? null;
  // Until the folder has loaded nothing is offered anyway (the buttons wait for currentId).
  const readOnly = first ? !first.capability.canWrite : false;
  const canShare = first ? first.capability.canShare : false;
  const team = first?.capability.teamFolder ?? null;
  const viewOnlyHint = team ? t("teams.viewOnly") : t("drive.viewOnly");
  const [preview, setPreview] = useState<ListNode | null>(null);
  const [versions, setVersions] = useState<ListNode | null>(null);
  const actions = useNodeActions({ parentId: currentId, readOnly, canShare, onPreview: setPreview, onVersions: setVersions });
  const files = items.filter((n) => n.kind === "FILE");
  const at = preview ? files.findIndex((n) => n.id === preview.id) : -1;
  const selectedNodes = () => items.filter((n) => selection.has(n.id));
  const onKeyDown = useListKeyboard({ items, selection, focusedId, setFocusedId, columns: view === "grid" ? 4 : 1, actions, disabled: actions.isDialogOpen || newFolder || !!preview || !!versions });

  /**
   * Uploads into a folder, asking first about files whose name the folder already holds (replace,
   * keep both, skip). Files of a dropped tree go into folders made on the way and are not asked about.
   */
  const uploadInto = useCallback(
    async (files: DroppedFile[], parentId: string) => {
      const plain = files.filter((f) => !f.relativePath);
      let taken = new Set<string>();
      try {
        const names = [...new Set(plain.map((f) => f.name.normalize("NFC")))];
        for (let i = 0; i < names.length; i += 1000) {
          const found = await trpcClient.upload.conflicts.query({ parentId, names: names.slice(i, i + 1000) });
          // A folder of that name is never replaced: the server gives the file a number anyway.
          for (const c of found) if (c.kind === "FILE") taken.add(c.name);
        }
      } catch {
        // The check is only a courtesy; the upload itself reports a missing folder or a bad name.
        taken = new Set();
      }
      const isTaken = (f: DroppedFile) => !f.relativePath && taken.has(f.name.normalize("NFC"));
      const free = files.filter((f) => !isTaken(f));
      if (free.length) uploads.enqueue(free, parentId);
      const clashing = files.filter(isTaken);
      if (!clashing.length) return;
      const choices = await conflicts.ask([...new Set(clashing.map((f) => f.name.normalize("NFC")))]);
      const chosen = (choice: ConflictChoice) => clashing.filter((f) => choices.get(f.name.normalize("NFC")) === choice);
      if (chosen("version").length) uploads.enqueue(chosen("version"), parentId, "version");
      if (chosen("rename").length) uploads.enqueue(chosen("rename"), parentId, "rename");
    },
    [trpcClient, uploads, conflicts.ask],
  );

  // Files chosen before the folder has loaded wait for it instead of being lost.
  const waiting = useRef<DroppedFile[]>([]);
  const upload = useCallback(
    (files: DroppedFile[]) => {
      if (!files.length) return;
      if (currentId) void uploadInto(files, currentId);
      else waiting.current.push(...files);
    },
    [currentId, uploadInto],
  );
  useEffect(() => {
    if (!currentId || !waiting.current.length) return;
    void uploadInto(waiting.current.splice(0), currentId);
  }, [currentId, uploadInto]);

  const viewToggle = (
    <div className="flex rounded-lg border border-zinc-300 p-0.5 dark:border-zinc-700">
      <button aria-label={t("actions.listView")} aria-pressed={view === "list"} onClick={() => setView("list")} className={clsx("rounded-md p-1.5", view === "list" ? "bg-zinc-200 dark:bg-zinc-700" : "text-zinc-500")}>
        <List className="size-4" />
      </button>
      <button aria-label={t("actions.gridView")} aria-pressed={view === "grid"} onClick={() => setView("grid")} className={clsx("rounded-md p-1.5", view === "grid" ? "bg-zinc-200 dark:bg-zinc-700" : "text-zinc-500")}>
        <LayoutGrid className="size-4" />
      </button>
    </div>
  );

  if (query.isError) {
    return (
      <div className="flex flex-col items-center justify-center px-6 py-24 text-center">
        <h1 className="text-lg font-semibold">{t("drive.notAvailable")}</h1>
        <p className="mt-1 max-w-sm text-sm text-zinc-500">{query.error.message}</p>
        <Link href="/drive" className="mt-4 text-sm font-medium text-brand-600 hover:underline">
          {t("drive.backToDrive")}
        </Link>
      </div>
    );
  }

  const count = selection.selected.size;
  const downloadLabel = count === 1 && selectedNodes()[0]?.kind === "FILE" ? t("actions.download") : t("actions.downloadZip");
  return (
    <div
      className="relative min-h-full px-4 py-5 md:px-8"
      onDragEnter={(e) => {
        if (!e.dataTransfer.types.includes("Files")) return;
        dragDepth.current++;
        setDragging(true);
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes("Files")) return;
        // Accepting the drag even when read-only keeps the browser from opening the dropped file.
        e.preventDefault();
        if (readOnly) e.dataTransfer.dropEffect = "none";
      }}
      onDragLeave={() => {
        dragDepth.current = Math.max(0, dragDepth.current - 1);
        if (dragDepth.current === 0) setDragging(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.types.includes("Files")) return;
        e.preventDefault();
        dragDepth.current = 0;
        setDragging(false);
        // A viewer's drop is refused here, with the reason, rather than by the server file by file.
        if (readOnly) toast("error", team ? t("teams.noUploadHere") : t("drive.noUploadHere"));
        else void filesFromDrop(e.dataTransfer).then(upload);
      }}
    >
      {/* The selection bar replaces the header row in place instead of holding an empty band above the list. */}
      <div className="relative">
      <div className="flex flex-wrap items-center gap-3">
        <nav aria-label={t("drive.breadcrumbs")} className="flex min-w-[10rem] flex-1 items-center gap-1 text-lg font-semibold">
          {(first?.breadcrumbs ?? [{ id: "root", name: "", isRoot: true }]).map((c, i, all) => (
            <span
              key={c.id}
              className="flex min-w-0 items-center gap-1"
              onDragOver={(e) => !readOnly && i < all.length - 1 && e.dataTransfer.types.includes(DRAG_TYPE) && e.preventDefault()}
              onDrop={(e) => {
                const raw = e.dataTransfer.getData(DRAG_TYPE);
                if (!raw || readOnly || i === all.length - 1) return;
                e.preventDefault();
                e.stopPropagation();
                const moving = items.filter((n) => (JSON.parse(raw) as string[]).includes(n.id));
                void actions.moveTo(moving, c.id);
              }}
            >
              {i > 0 ? <ChevronRight className="size-4 shrink-0 text-zinc-400" /> : null}
              {i === all.length - 1 ? (
                <span className="truncate" aria-current="page">
                  {c.isRoot ? t("app.myDrive") : c.name}
                </span>
              ) : (
                <Link
                  href={c.isRoot ? "/drive" : `/drive/${c.id}`}
                  data-testid="breadcrumb"
                  className="truncate rounded px-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
                >
                  {c.isRoot ? t("app.myDrive") : c.name}
                </Link>
              )}
            </span>
          ))}
        </nav>
        <div className="flex items-center gap-2">
          {viewToggle}
          {team && !readOnly ? (
            <Link
              href={`/trash/${team.id}`}
              data-testid="team-trash-link"
              aria-label={t("teams.trash")}
              className="inline-flex items-center gap-2 rounded-lg px-3 py-2 text-sm font-medium whitespace-nowrap text-zinc-600 transition hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
            >
              <Trash2 className="size-4" /> <span className="hidden sm:inline">{t("teams.trash")}</span>
            </Link>
          ) : null}
          {readOnly ? (
            <span
              data-testid="view-only-hint"
              className="inline-flex items-center gap-2 rounded-lg bg-zinc-100 px-3 py-2 text-sm text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
            >
              <Eye className="size-4 shrink-0" /> {viewOnlyHint}
            </span>
          ) : (
            <>
            <Button variant="secondary" onClick={() => setNewFolder(true)} disabled={!currentId} aria-label={t("drive.newFolder")}>
              <FolderPlus className="size-4" /> <span className="hidden whitespace-nowrap sm:inline">{t("drive.newFolder")}</span>
            </Button>
            <Button variant="secondary" onClick={() => folderPicker.current?.click()} disabled={!currentId} aria-label={t("drive.uploadFolder")}>
              <FolderUp className="size-4" /> <span className="hidden lg:inline">{t("drive.uploadFolder")}</span>
            </Button>
            <Button onClick={() => picker.current?.click()} disabled={!currentId} className="whitespace-nowrap">
              <Upload className="size-4" /> {t("drive.upload")}
            </Button>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              data-testid="upload-input"
              onChange={(e) => {
                upload(Array.from(e.target.files ?? []).map((file) => Object.assign(file, { relativePath: "" })));
                e.target.value = "";
              }}
            />
            <input
              ref={folderPicker}
              type="file"
              multiple
              hidden
              data-testid="folder-upload-input"
              {...({ webkitdirectory: "" } as Record<string, string>)}
              onChange={(e) => {
                // webkitRelativePath is "picked/sub/file.txt": the folders come along.
                upload(Array.from(e.target.files ?? []).map((file) => Object.assign(file, { relativePath: file.webkitRelativePath.split("/").slice(0, -1).join("/") })));
                e.target.value = "";
              }}
            />
            </>
          )}
        </div>
      </div>

        {count ? (
          // It covers the whole header row (one line on a desktop, two on a phone), opaque, so nothing
          // half-shows under it, and being absolute it never moves the rows under a long-press.
          <div className="absolute inset-0 z-10 flex items-center gap-2 rounded-xl bg-brand-50 px-2 text-sm shadow-sm ring-1 ring-brand-200 sm:px-3 dark:bg-zinc-800 dark:ring-zinc-700" data-testid="selection-bar">
            <button aria-label={t("actions.clearSelection")} onClick={selection.clear} className="rounded-md p-1 hover:bg-white/60 dark:hover:bg-zinc-800">
              <X className="size-4" />
            </button>
            <span className="whitespace-nowrap font-medium">{t("actions.selected", { count })}</span>
            {/* On a phone the actions are icons (named for screen readers); the words come back from sm up. */}
            <div className="ml-auto flex gap-1">
              <Button variant="ghost" onClick={() => actions.download(selectedNodes())} aria-label={downloadLabel}>
                <Download className="size-4" /> <span className="hidden whitespace-nowrap sm:inline">{downloadLabel}</span>
              </Button>
              {count === 1 && canShare && (
                <Button variant="ghost" onClick={() => actions.share(selectedNodes()[0]!)} data-testid="toolbar-share" aria-label={t("sharing.share")}>
                  <Share2 className="size-4" /> <span className="hidden whitespace-nowrap sm:inline">{t("sharing.share")}</span>
                </Button>
              )}
              {readOnly ? null : (
                <>
                  <Button variant="ghost" onClick={() => actions.moveDialog(selectedNodes())} aria-label={t("actions.move")}>
                    <FolderInput className="size-4" /> <span className="hidden whitespace-nowrap sm:inline">{t("actions.move")}</span>
                  </Button>
                  <Button variant="ghost" className="text-red-600 dark:text-red-400" onClick={() => void actions.trash(selectedNodes()).then(selection.clear)} aria-label={t("actions.trash")}>
                    <Trash2 className="size-4" /> <span className="hidden whitespace-nowrap sm:inline">{t("actions.trash")}</span>
                  </Button>
                </>
              )}
              {/* The view switch stays where it was on a desktop, so it is reachable while selecting. */}
              <div className="ml-1 hidden border-l border-brand-200 pl-2 sm:block dark:border-zinc-700">{viewToggle}</div>
            </div>
          </div>
        ) : null}
      </div>

      <div onKeyDown={onKeyDown} className="mt-4">
        {!query.isPending && items.length === 0 ? (
          <div className="flex flex-col items-center rounded-xl border border-zinc-200 bg-white px-6 py-20 text-center dark:border-zinc-800 dark:bg-zinc-900" data-testid="empty-folder">
            <div className="flex size-14 items-center justify-center rounded-2xl bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100">
              {first?.folder.isRoot ? <HardDrive className="size-7" /> : <UploadCloud className="size-7" />}
            </div>
            <h2 className="mt-4 font-semibold">{first?.folder.isRoot ? t("drive.emptyDrive") : t("drive.emptyFolder")}</h2>
            <p className="mt-1 max-w-xs text-sm text-zinc-500">{readOnly ? t("drive.viewOnlyEmptyHint") : t("drive.emptyHint")}</p>
          </div>
        ) : (
          <NodeList
            items={items}
            view={view}
            selection={selection}
            focusedId={focusedId}
            onFocus={setFocusedId}
            onOpen={actions.open}
            onMenu={(node, at) => actions.openMenu(selection.has(node.id) ? selectedNodes() : [node], at)}
            onDropInto={readOnly ? undefined : (target, moving) => void actions.moveTo(items.filter((n) => moving.includes(n.id)), target)}
            hasMore={query.hasNextPage}
            loadMore={() => !query.isFetchingNextPage && void query.fetchNextPage()}
            sort={{
              ...sort,
              // The same column again flips the order; another column starts ascending (dates newest first).
              onChange: (field) => setSort((s) => (s.field === field ? { field, dir: s.dir === "asc" ? "desc" : "asc" } : { field, dir: field === "modified" ? "desc" : "asc" })),
            }}
          />
        )}
      </div>

      <div
        className={clsx(
          "pointer-events-none absolute inset-2 flex items-center justify-center rounded-2xl border-2 border-dashed transition",
          readOnly ? "border-zinc-400 bg-zinc-100/85 dark:bg-zinc-800/80" : "border-brand-500 bg-brand-50/80 dark:bg-brand-500/10",
          dragging ? "opacity-100" : "opacity-0",
        )}
        aria-hidden={!dragging}
      >
        {readOnly ? (
          <div className="text-center" data-testid="drop-refused">
            <Eye className="mx-auto size-10 text-zinc-500" />
            <p className="mt-2 font-semibold text-zinc-700 dark:text-zinc-200">{team ? t("teams.noUploadHere") : t("drive.noUploadHere")}</p>
          </div>
        ) : (
          <div className="text-center">
            <UploadCloud className="mx-auto size-10 text-brand-600" />
            <p className="mt-2 font-semibold text-brand-700 dark:text-brand-100">{t("drive.dropTo", { folder: first?.folder.isRoot ? t("app.myDrive") : (first?.folder.name ?? "") })}</p>
          </div>
        )}
      </div>

      {newFolder && currentId ? <NewFolderDialog parentId={currentId} onClose={() => setNewFolder(false)} /> : null}
      {actions.dialogs}
      {conflicts.dialog}
      {preview ? (
        <PreviewDialog
          node={preview}
          onClose={() => setPreview(null)}
          onPrev={at > 0 ? () => setPreview(files[at - 1]!) : undefined}
          onNext={at >= 0 && at < files.length - 1 ? () => setPreview(files[at + 1]!) : undefined}
        />
      ) : null}
      {versions ? <VersionsDialog nodeId={versions.id} name={versions.name} readOnly={readOnly} onClose={() => setVersions(null)} /> : null}
    </div>
  );
}
