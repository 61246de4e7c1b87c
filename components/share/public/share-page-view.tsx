"use client";
import { useState, type MouseEvent } from "react";
import Link from "next/link";
import clsx from "clsx";
import { AlertCircle, ChevronRight, Clock, Download, Eye, X } from "lucide-react";
import { ShareShell } from "@/components/share/public/share-shell";
import { PasswordGate } from "@/components/share/public/password-gate";
import { DropZone } from "@/components/share/public/drop-zone";
import { FileIcon } from "@/components/drive/file-icon";
import { PreviewBody, previewKindOf } from "@/components/drive/preview-dialog";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { formatBytes } from "@/server/i18n/messages";
import { formatDateTime } from "@/components/share/share-format";
import { useCountedDownloads, type DownloadRefusal } from "@/components/share/public/counted-download";
import type { SharePageData } from "@/server/share/share-access.service";
import type { NodeDto } from "@/server/drive/drive.service";

type Open = Extract<SharePageData, { state: "open" }>;

// `redirect=1`: a link without a download limit sends the browser on to the blob's signed URL.
const fileUrl = (token: string, id: string) => `/api/s/${token}/files/${id}/content?redirect=1`;

export function SharePageView({ token, data }: { token: string; data: SharePageData }) {
  const t = useT();
  if (data.state === "gone") {
    // Reached only by a client-side navigation: a fresh request gets the server's 410 page.
    return (
      <ShareShell>
        <p className="mt-16 text-center text-zinc-500">{t(`sharing.status.${data.reason}`)}</p>
      </ShareShell>
    );
  }
  if (data.state === "locked") {
    return (
      <ShareShell>
        <PasswordGate token={token} ownerName={data.link.ownerName} />
      </ShareShell>
    );
  }
  const canDownload = data.link.permission === "DOWNLOAD" || data.link.permission === "DOWNLOAD_UPLOAD";
  const canUpload = data.link.permission === "UPLOAD" || data.link.permission === "DOWNLOAD_UPLOAD";
  if (data.root.kind === "FILE") {
    return (
      <ShareShell wide>
        <FileView token={token} data={data} canDownload={canDownload} />
      </ShareShell>
    );
  }
  if (!data.folder) {
    return (
      <ShareShell>
        <div className="mt-6">
          <DropZone token={token} ownerName={data.link.ownerName} folderName={data.root.name} room={{ used: data.link.uploadedBytes, max: data.link.maxUploadBytes }} />
        </div>
      </ShareShell>
    );
  }
  return (
    <ShareShell wide>
      <FolderView token={token} data={data} canDownload={canDownload} />
      {canUpload && (
        <div className="mx-auto mt-10 max-w-xl">
          <DropZone token={token} ownerName={data.link.ownerName} folderName={data.root.name} room={{ used: data.link.uploadedBytes, max: data.link.maxUploadBytes }} />
        </div>
      )}
    </ShareShell>
  );
}

function LinkFacts({ data, left }: { data: Open; left: number | null }) {
  const t = useT();
  const locale = useLocale();
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-500">
      <span>{t("sharing.public.sharedBy", { name: data.link.ownerName })}</span>
      {data.link.expiresAt && (
        <span className="inline-flex items-center gap-1">
          <Clock className="size-3" /> {t("sharing.public.expires", { when: formatDateTime(data.link.expiresAt, locale) })}
        </span>
      )}
      {left !== null && <span data-testid="public-downloads-left">{t("sharing.public.downloadsLeft", { count: left })}</span>}
      {data.link.permission === "VIEW" && (
        <span className="inline-flex items-center gap-1 rounded-full bg-zinc-200/70 px-2 py-0.5 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
          <Eye className="size-3" /> {t("sharing.public.viewOnly")}
        </span>
      )}
    </div>
  );
}

/** Why a download did not start; shown under the link facts until the next successful one. */
function Refusal({ refusal, ownerName }: { refusal: DownloadRefusal | null; ownerName: string }) {
  const t = useT();
  if (!refusal) return null;
  return (
    <p role="alert" id="public-download-refusal" data-testid="public-download-refusal" className="mt-3 flex items-start gap-2 rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-500/10 dark:text-amber-200 dark:ring-amber-500/30">
      <AlertCircle className="mt-0.5 size-4 shrink-0" /> {t(`shareDownload.${refusal}`, { name: ownerName })}
    </p>
  );
}

type OnDownload = (e: MouseEvent<HTMLAnchorElement>) => void;

/** Dimmed (and aria-disabled) once the link can no longer serve a download; a click then re-explains why. */
function DownloadButton({ href, label, testId, onClick, blocked }: { href: string; label: string; testId?: string; onClick: OnDownload; blocked: boolean }) {
  return (
    <a
      href={href}
      download=""
      onClick={onClick}
      data-testid={testId}
      aria-disabled={blocked || undefined}
      aria-describedby={blocked ? "public-download-refusal" : undefined}
      className={clsx(
        "inline-flex items-center justify-center gap-2 rounded-lg px-4 py-2 text-sm font-medium shadow-sm transition",
        blocked ? "cursor-not-allowed bg-zinc-200 text-zinc-500 shadow-none dark:bg-zinc-800 dark:text-zinc-500" : "bg-brand-600 text-white hover:bg-brand-700",
      )}
    >
      <Download className="size-4" /> {label}
    </a>
  );
}

function FileView({ token, data, canDownload }: { token: string; data: Open; canDownload: boolean }) {
  const t = useT();
  const file = data.root;
  const counted = useCountedDownloads(data.link.downloadsLeft);
  return (
    <div className="mt-2" data-testid="public-file">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
        <div className="flex min-w-0 items-center gap-4">
          <div className="flex size-14 shrink-0 items-center justify-center rounded-2xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
            <FileIcon kind="FILE" mimeType={file.mimeType} name={file.name} className="size-7" />
          </div>
          <div className="min-w-0">
            <h1 className="truncate text-xl font-semibold tracking-tight" title={file.name}>
              {file.name}
            </h1>
            <p className="text-sm text-zinc-500 tabular-nums">{formatBytes(file.size)}</p>
          </div>
        </div>
        {canDownload && <DownloadButton href={fileUrl(token, file.id)} label={t("sharing.public.download")} testId="public-download" onClick={counted.onClick} blocked={counted.blocked} />}
      </div>
      <div className="mt-3">
        <LinkFacts data={data} left={counted.left} />
      </div>
      <Refusal refusal={counted.refusal} ownerName={data.link.ownerName} />
      <div
        className={clsx(
          "mt-6 h-[65vh] min-h-80 overflow-hidden rounded-3xl shadow-xl ring-1",
          ["text", "pdf"].includes(previewKindOf(file.name, file.mimeType))
            ? "bg-zinc-100 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800 [&>div]:pt-4"
            : "bg-zinc-950 text-zinc-100 ring-zinc-900/10",
        )}
      >
        <PreviewBody node={file} kind={previewKindOf(file.name, file.mimeType)} url={fileUrl(token, file.id)} />
      </div>
    </div>
  );
}

function FolderView({ token, data, canDownload }: { token: string; data: Open; canDownload: boolean }) {
  const t = useT();
  const locale = useLocale();
  const folder = data.folder!;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [preview, setPreview] = useState<NodeDto | null>(null);
  const counted = useCountedDownloads(data.link.downloadsLeft);
  const here = folder.path.at(-1)!;
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const folderHref = (id: string) => (id === data.root.id ? `/s/${token}` : `/s/${token}?folder=${id}`);
  const zipHref = selected.size ? `/api/s/${token}/zip?ids=${[...selected].join(",")}` : `/api/s/${token}/zip${here.id === data.root.id ? "" : `?ids=${here.id}`}`;

  return (
    <div data-testid="public-folder">
      {folder.path.length > 1 && (
        <nav aria-label="breadcrumbs" className="mb-3 flex flex-wrap items-center gap-1 text-sm">
          {folder.path.map((c, i) => (
            <span key={c.id} className="inline-flex items-center gap-1">
              {i > 0 && <ChevronRight className="size-4 text-zinc-400" />}
              {i === folder.path.length - 1 ? (
                <span className="font-semibold">{c.name}</span>
              ) : (
                <Link href={folderHref(c.id)} className="text-zinc-500 hover:text-zinc-900 hover:underline dark:hover:text-zinc-100">
                  {c.name}
                </Link>
              )}
            </span>
          ))}
        </nav>
      )}
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{here.name}</h1>
          <div className="mt-1">
            <LinkFacts data={data} left={counted.left} />
          </div>
        </div>
        {canDownload && folder.items.length > 0 && (
          <DownloadButton
            href={zipHref}
            label={selected.size ? t("sharing.public.downloadSelected", { count: selected.size }) : t("sharing.public.downloadAll")}
            testId="public-zip"
            onClick={counted.onClick}
            blocked={counted.blocked}
          />
        )}
      </div>
      <Refusal refusal={counted.refusal} ownerName={data.link.ownerName} />
      <div className="mt-5 overflow-hidden rounded-2xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        {folder.items.length === 0 ? (
          <p className="px-6 py-16 text-center text-sm text-zinc-500">{t("sharing.public.empty")}</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50/80 text-left text-xs font-medium text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60">
              <tr>
                {canDownload && (
                  <th className="w-10 py-2.5 pr-3 pl-4">
                    <input
                      type="checkbox"
                      aria-label={t("sharing.public.selectAll")}
                      checked={selected.size === folder.items.length}
                      onChange={(e) => setSelected(e.target.checked ? new Set(folder.items.map((i) => i.id)) : new Set())}
                    />
                  </th>
                )}
                <th className={clsx("w-full py-2.5", !canDownload && "pl-4")}>{t("sharing.public.name")}</th>
                <th className="hidden py-2.5 pl-4 text-right whitespace-nowrap sm:table-cell">{t("sharing.public.size")}</th>
                <th className="hidden py-2.5 pr-4 pl-6 whitespace-nowrap md:table-cell">{t("sharing.public.modified")}</th>
                <th className="w-12" />
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {folder.items.map((n) => (
                <tr key={n.id} className={clsx("group", selected.has(n.id) ? "bg-brand-50/60 dark:bg-brand-500/10" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/40")} data-testid="public-row">
                  {canDownload && (
                    <td className="py-2.5 pr-3 pl-4">
                      <input type="checkbox" aria-label={n.name} checked={selected.has(n.id)} onChange={() => toggle(n.id)} />
                    </td>
                  )}
                  <td className={clsx("max-w-0 py-2.5", !canDownload && "pl-4")}>
                    {n.kind === "FOLDER" ? (
                      <Link href={folderHref(n.id)} className="flex items-center gap-3 font-medium hover:underline">
                        <FileIcon kind="FOLDER" mimeType={null} name={n.name} className="size-5 shrink-0" />
                        <span className="truncate">{n.name}</span>
                      </Link>
                    ) : (
                      <button onClick={() => setPreview(n)} className="flex w-full items-center gap-3 text-left font-medium hover:underline">
                        <FileIcon kind="FILE" mimeType={n.mimeType} name={n.name} className="size-5 shrink-0" />
                        <span className="truncate">{n.name}</span>
                      </button>
                    )}
                  </td>
                  <td className="hidden py-2.5 pl-4 text-right whitespace-nowrap text-zinc-500 tabular-nums sm:table-cell">{n.kind === "FILE" ? formatBytes(n.size) : "—"}</td>
                  <td className="hidden py-2.5 pr-4 pl-6 whitespace-nowrap text-zinc-500 md:table-cell">{formatDateTime(n.updatedAt, locale)}</td>
                  <td className="py-2.5 pr-3 text-right">
                    {canDownload && n.kind === "FILE" && (
                      <a href={fileUrl(token, n.id)} download="" onClick={counted.onClick} aria-disabled={counted.blocked || undefined} aria-label={`${t("sharing.public.download")} ${n.name}`} className={clsx("inline-flex rounded-lg p-1.5 text-zinc-400", counted.blocked ? "cursor-not-allowed opacity-40" : "hover:bg-zinc-100 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-100")}>
                        <Download className="size-4" />
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <p className="mt-2 text-right text-xs text-zinc-400">{t("sharing.public.items", { count: folder.items.length })}</p>
      {preview && (
        <div className="fixed inset-0 z-50 flex flex-col bg-zinc-950/95 text-zinc-100 backdrop-blur" role="dialog" aria-modal="true" aria-label={preview.name}>
          <div className="flex items-center gap-3 px-4 py-3">
            <FileIcon kind="FILE" mimeType={preview.mimeType} name={preview.name} />
            <span className="min-w-0 flex-1 truncate font-medium">{preview.name}</span>
            {canDownload && (
              <a href={fileUrl(token, preview.id)} download="" onClick={counted.onClick} className="rounded-lg p-2 text-zinc-300 hover:bg-white/10" aria-label={t("sharing.public.download")}>
                <Download className="size-5" />
              </a>
            )}
            <button onClick={() => setPreview(null)} className="rounded-lg p-2 text-zinc-300 hover:bg-white/10" aria-label="Close">
              <X className="size-5" />
            </button>
          </div>
          <div className="min-h-0 flex-1">
            <PreviewBody node={preview} kind={previewKindOf(preview.name, preview.mimeType)} url={fileUrl(token, preview.id)} />
          </div>
        </div>
      )}
    </div>
  );
}
