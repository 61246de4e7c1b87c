"use client";
import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { ChevronRight, Folder, FolderInput } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/client";
import { useT } from "@/components/i18n/i18n-provider";

/**
 * Picks a destination folder, browsing from the root. The folders being moved are shown but
 * cannot be entered or chosen (a folder cannot go inside itself; the server checks it too).
 */
export function FolderPickerDialog(props: {
  title: string;
  submitLabel: string;
  excludeIds: string[];
  startFolderId?: string | null;
  /** `path`: the chosen folder's names below the root (empty for the root itself). */
  onSubmit: (targetId: string, path: string[]) => Promise<void>;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const t = useT();
  const titleId = useId();
  const [folderId, setFolderId] = useState<string | null>(props.startFolderId ?? null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = useQuery(trpc.drive.list.queryOptions({ folderId, limit: 500 }));
  const folders = (list.data?.items ?? []).filter((n) => n.kind === "FOLDER");
  const excluded = new Set(props.excludeIds);
  const inside = list.data?.breadcrumbs.some((c) => excluded.has(c.id)) ?? false;

  return (
    <Dialog labelledBy={titleId} onClose={props.onClose} size="lg">
      <div className="flex items-center gap-3">
        <div className="flex size-10 items-center justify-center rounded-full bg-sky-100 text-sky-600 dark:bg-sky-500/15">
          <FolderInput className="size-5" />
        </div>
        <h2 id={titleId} className="text-lg font-semibold">
          {props.title}
        </h2>
      </div>
      <nav aria-label={t("drive.breadcrumbs")} className="mt-4 flex flex-wrap items-center gap-1 text-sm">
        {(list.data?.breadcrumbs ?? []).map((c, i, all) => (
          <span key={c.id} className="flex items-center gap-1">
            {i > 0 ? <ChevronRight className="size-3.5 text-zinc-400" /> : null}
            <button
              className={i === all.length - 1 ? "font-semibold" : "text-zinc-500 hover:underline"}
              onClick={() => setFolderId(c.isRoot ? null : c.id)}
            >
              {c.isRoot ? t("app.myDrive") : c.name}
            </button>
          </span>
        ))}
      </nav>
      <ul className="mt-3 h-64 divide-y divide-zinc-100 overflow-y-auto rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" data-testid="folder-picker">
        {folders.length === 0 && !list.isPending ? <li className="px-3 py-8 text-center text-sm text-zinc-500">{t("drive.noSubfolders")}</li> : null}
        {folders.map((f) => (
          <li key={f.id}>
            <button
              disabled={excluded.has(f.id)}
              onClick={() => setFolderId(f.id)}
              className="flex w-full items-center gap-2 px-3 py-2 text-left text-sm hover:bg-zinc-50 disabled:cursor-not-allowed disabled:opacity-40 dark:hover:bg-zinc-800"
            >
              <Folder className="size-4 fill-sky-400/30 text-sky-500" />
              <span className="flex-1 truncate">{f.name}</span>
              <ChevronRight className="size-4 text-zinc-400" />
            </button>
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <div className="mt-5 flex justify-end gap-2">
        <Button variant="ghost" onClick={props.onClose}>
          {t("drive.cancel")}
        </Button>
        <Button
          disabled={busy || !list.data || inside}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              const crumbs = list.data!.breadcrumbs;
              await props.onSubmit(list.data!.folder.id, crumbs.filter((c) => !c.isRoot).map((c) => c.name));
              props.onClose();
            } catch (e) {
              setError((e as Error).message);
              setBusy(false);
            }
          }}
        >
          {props.submitLabel}
        </Button>
      </div>
    </Dialog>
  );
}
