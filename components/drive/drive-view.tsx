"use client";
import { useCallback, useRef, useState } from "react";
import Link from "next/link";
import { useInfiniteQuery } from "@tanstack/react-query";
import clsx from "clsx";
import { ChevronRight, Download, FolderPlus, HardDrive, Upload, UploadCloud } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/components/trpc/client";
import { useUploads } from "@/components/upload/upload-manager";
import { FileIcon } from "@/components/drive/file-icon";
import { NewFolderDialog } from "@/components/drive/new-folder-dialog";
import { formatModified } from "@/components/drive/format";
import { formatBytes } from "@/server/i18n/messages";
import { useLocale, useT } from "@/components/i18n/i18n-provider";

export function DriveView({ folderId }: { folderId: string | null }) {
  const trpc = useTRPC();
  const uploads = useUploads();
  const [newFolder, setNewFolder] = useState(false);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);
  const picker = useRef<HTMLInputElement>(null);
  const t = useT();
  const locale = useLocale();

  const query = useInfiniteQuery(
    trpc.drive.list.infiniteQueryOptions({ folderId, limit: 200 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const first = query.data?.pages[0];
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const currentId = first?.folder.id ?? null;

  const upload = useCallback(
    (files: File[]) => {
      if (currentId && files.length) uploads.enqueue(files, currentId);
    },
    [currentId, uploads],
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

  return (
    <div
      className="relative min-h-full px-4 py-5 md:px-8"
      onDragEnter={(e) => {
        if (!e.dataTransfer.types.includes("Files")) return;
        dragDepth.current++;
        setDragging(true);
      }}
      onDragOver={(e) => e.dataTransfer.types.includes("Files") && e.preventDefault()}
      onDragLeave={() => {
        dragDepth.current = Math.max(0, dragDepth.current - 1);
        if (dragDepth.current === 0) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        dragDepth.current = 0;
        setDragging(false);
        upload(Array.from(e.dataTransfer.files));
      }}
    >
      <div className="flex flex-wrap items-center gap-3">
        <nav aria-label={t("drive.breadcrumbs")} className="flex min-w-0 flex-1 items-center gap-1 text-lg font-semibold">
          {(first?.breadcrumbs ?? [{ id: "root", name: "", isRoot: true }]).map((c, i, all) => (
            <span key={c.id} className="flex min-w-0 items-center gap-1">
              {i > 0 ? <ChevronRight className="size-4 shrink-0 text-zinc-400" /> : null}
              {i === all.length - 1 ? (
                <span className="truncate" aria-current="page">
                  {c.isRoot ? t("app.myDrive") : c.name}
                </span>
              ) : (
                <Link href={c.isRoot ? "/drive" : `/drive/${c.id}`} className="truncate rounded px-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">
                  {c.isRoot ? t("app.myDrive") : c.name}
                </Link>
              )}
            </span>
          ))}
        </nav>
        <div className="flex gap-2">
          <Button variant="secondary" onClick={() => setNewFolder(true)} disabled={!currentId}>
            <FolderPlus className="size-4" /> {t("drive.newFolder")}
          </Button>
          <Button onClick={() => picker.current?.click()} disabled={!currentId}>
            <Upload className="size-4" /> {t("drive.upload")}
          </Button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            data-testid="upload-input"
            onChange={(e) => {
              upload(Array.from(e.target.files ?? []));
              e.target.value = "";
            }}
          />
        </div>
      </div>

      <div className="mt-5 overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full table-fixed text-sm">
          <thead className="border-b border-zinc-200 bg-zinc-50/80 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900">
            <tr>
              <th className="px-4 py-2.5 font-medium">{t("drive.name")}</th>
              <th className="hidden w-28 px-4 py-2.5 text-right font-medium sm:table-cell">{t("drive.size")}</th>
              <th className="hidden w-40 px-4 py-2.5 font-medium md:table-cell">{t("drive.modified")}</th>
              <th className="w-14 px-2 py-2.5">
                <span className="sr-only">{t("drive.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {query.isPending
              ? Array.from({ length: 6 }, (_, i) => (
                  <tr key={i}>
                    <td className="px-4 py-3" colSpan={4}>
                      <div className="h-4 w-1/3 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
                    </td>
                  </tr>
                ))
              : items.map((n) => (
                  <tr key={n.id} className="group hover:bg-zinc-50 dark:hover:bg-zinc-800/50" data-testid="node-row" data-name={n.name}>
                    <td className="px-4 py-2.5">
                      <div className="flex min-w-0 items-center gap-3">
                        <FileIcon kind={n.kind} mimeType={n.mimeType} name={n.name} />
                        {n.kind === "FOLDER" ? (
                          <Link href={`/drive/${n.id}`} className="truncate font-medium hover:underline">
                            {n.name}
                          </Link>
                        ) : (
                          <a href={`/api/files/${n.id}/content`} className="truncate hover:underline" download={n.name}>
                            {n.name}
                          </a>
                        )}
                      </div>
                    </td>
                    <td className="hidden px-4 py-2.5 text-right tabular-nums text-zinc-500 sm:table-cell">{n.kind === "FILE" ? formatBytes(n.size) : "—"}</td>
                    <td className="hidden px-4 py-2.5 text-zinc-500 md:table-cell" title={n.updatedAt.toLocaleString(locale === "zh" ? "zh-CN" : "en")}>
                      {formatModified(n.updatedAt, locale)}
                    </td>
                    <td className="px-2 py-2.5 text-right">
                      {n.kind === "FILE" ? (
                        <a
                          href={`/api/files/${n.id}/content`}
                          download={n.name}
                          aria-label={t("drive.download", { name: n.name })}
                          className="inline-flex rounded-md p-1.5 text-zinc-400 opacity-70 hover:bg-zinc-100 hover:text-zinc-700 group-hover:opacity-100 dark:hover:bg-zinc-700"
                        >
                          <Download className="size-4" />
                        </a>
                      ) : null}
                    </td>
                  </tr>
                ))}
          </tbody>
        </table>
        {!query.isPending && items.length === 0 ? (
          <div className="flex flex-col items-center px-6 py-20 text-center" data-testid="empty-folder">
            <div className="flex size-14 items-center justify-center rounded-2xl bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100">
              {first?.folder.isRoot ? <HardDrive className="size-7" /> : <UploadCloud className="size-7" />}
            </div>
            <h2 className="mt-4 font-semibold">{first?.folder.isRoot ? t("drive.emptyDrive") : t("drive.emptyFolder")}</h2>
            <p className="mt-1 max-w-xs text-sm text-zinc-500">{t("drive.emptyHint")}</p>
          </div>
        ) : null}
        {query.hasNextPage ? (
          <div className="border-t border-zinc-100 p-3 text-center dark:border-zinc-800">
            <Button variant="ghost" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              {query.isFetchingNextPage ? t("drive.loading") : t("drive.loadMore")}
            </Button>
          </div>
        ) : null}
      </div>

      <div
        className={clsx(
          "pointer-events-none absolute inset-2 flex items-center justify-center rounded-2xl border-2 border-dashed border-brand-500 bg-brand-50/80 transition dark:bg-brand-500/10",
          dragging ? "opacity-100" : "opacity-0",
        )}
        aria-hidden={!dragging}
      >
        <div className="text-center">
          <UploadCloud className="mx-auto size-10 text-brand-600" />
          <p className="mt-2 font-semibold text-brand-700 dark:text-brand-100">{t("drive.dropTo", { folder: first?.folder.isRoot ? t("app.myDrive") : (first?.folder.name ?? "") })}</p>
        </div>
      </div>

      {newFolder && currentId ? <NewFolderDialog parentId={currentId} onClose={() => setNewFolder(false)} /> : null}
    </div>
  );
}
