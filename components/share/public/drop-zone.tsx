"use client";
import { useCallback, useRef, useState, type DragEvent } from "react";
import clsx from "clsx";
import * as tus from "tus-js-client";
import { CheckCircle2, CircleAlert, Loader2, UploadCloud } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useT } from "@/components/i18n/i18n-provider";
import { formatBytes } from "@/server/i18n/messages";

interface Item {
  key: string;
  name: string;
  size: number;
  sent: number;
  status: "uploading" | "done" | "error";
  error?: string;
}

/**
 * Resumable drops into an upload link: tus to the same endpoint as the drive, authorised by the
 * link's token in a header (and the unlock cookie); the server decides the folder.
 */
export function DropZone({ token, ownerName, folderName, room }: { token: string; ownerName: string; folderName: string; room: { used: number; max: number | null } }) {
  const t = useT();
  const [items, setItems] = useState<Item[]>([]);
  const [name, setName] = useState("");
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const patch = useCallback((key: string, change: Partial<Item>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i))), []);

  const send = (files: File[]) => {
    for (const file of files) {
      const key = `${file.name}:${file.size}:${Math.random()}`;
      setItems((list) => [...list, { key, name: file.name, size: file.size, sent: 0, status: "uploading" }]);
      const upload = new tus.Upload(file, {
        endpoint: "/api/upload",
        headers: { "X-Yunpan-Share": token },
        chunkSize: 8 * 1024 * 1024,
        retryDelays: [0, 1000, 3000, 5000, 10000],
        metadata: { filename: file.name, filetype: file.type || "application/octet-stream", ...(name.trim() ? { name: name.trim() } : {}) },
        fingerprint: async (f) => ["yunpan-drop", token.slice(0, 8), (f as File).name, (f as File).size, (f as File).lastModified].join(":"),
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onProgress: (sent) => patch(key, { sent }),
        onSuccess: () => patch(key, { status: "done", sent: file.size }),
        onError: (err) => {
          const body = (err as tus.DetailedError).originalResponse?.getBody();
          let message = t("sharing.public.failed");
          try {
            message = (JSON.parse(body ?? "") as { message?: string }).message ?? message;
          } catch {
            // not our JSON answer
          }
          patch(key, { status: "error", error: message });
        },
      });
      void upload.findPreviousUploads().then((previous) => {
        if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
        upload.start();
      });
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    send(Array.from(e.dataTransfer.files));
  };
  const allDone = items.length > 0 && items.every((i) => i.status === "done");

  return (
    <div data-testid="drop-page">
      <h1 className="text-2xl font-semibold tracking-tight">{t("sharing.public.dropTitle", { name: ownerName })}</h1>
      <p className="mt-1 text-sm text-zinc-500">{t("sharing.public.dropHint", { folder: folderName })}</p>
      <div className="mt-6">
        <label className="mb-1.5 block text-sm font-medium text-zinc-700 dark:text-zinc-300" htmlFor="dropper-name">
          {t("sharing.public.yourName")}
        </label>
        <input
          id="dropper-name"
          value={name}
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
          placeholder={t("sharing.public.yourNamePlaceholder", { name: ownerName })}
          className="block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900"
        />
      </div>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
        className={clsx(
          "mt-4 flex flex-col items-center justify-center rounded-3xl border-2 border-dashed px-6 py-12 text-center transition",
          over ? "border-brand-500 bg-brand-50 dark:bg-brand-500/10" : "border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-900",
        )}
      >
        <div className="flex size-16 items-center justify-center rounded-2xl bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100">
          <UploadCloud className="size-8" />
        </div>
        <p className="mt-4 font-medium">{t("sharing.public.dropHere")}</p>
        <p className="my-2 text-xs text-zinc-400">{t("sharing.public.dropOr")}</p>
        <Button type="button" onClick={() => input.current?.click()}>
          {t("sharing.public.choose")}
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="drop-input"
          onChange={(e) => {
            send(Array.from(e.target.files ?? []));
            e.target.value = "";
          }}
        />
        {room.max !== null && <p className="mt-4 text-xs text-zinc-500">{t("sharing.public.room", { used: formatBytes(room.used), max: formatBytes(room.max) })}</p>}
      </div>
      {items.length > 0 && (
        <ul className="mt-4 divide-y divide-zinc-200 rounded-2xl border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {items.map((i) => (
            <li key={i.key} className="flex items-center gap-3 px-4 py-3" data-testid="drop-item" data-status={i.status}>
              {i.status === "done" ? (
                <CheckCircle2 className="size-5 shrink-0 text-emerald-500" />
              ) : i.status === "error" ? (
                <CircleAlert className="size-5 shrink-0 text-red-500" />
              ) : (
                <Loader2 className="size-5 shrink-0 animate-spin text-brand-500" />
              )}
              <div className="min-w-0 flex-1">
                <div className="truncate text-sm font-medium">{i.name}</div>
                {i.status === "uploading" ? (
                  <div className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
                    <div className="h-full rounded-full bg-brand-500 transition-[width]" style={{ width: `${i.size ? (i.sent / i.size) * 100 : 0}%` }} />
                  </div>
                ) : (
                  <div className={clsx("text-xs", i.status === "error" ? "text-red-600 dark:text-red-400" : "text-zinc-500")}>
                    {i.status === "error" ? i.error : `${t("sharing.public.sent")} · ${formatBytes(i.size)}`}
                  </div>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {allDone && (
        <p className="mt-4 rounded-xl bg-emerald-50 px-4 py-3 text-sm text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300" role="status">
          {t("sharing.public.allSent")}
        </p>
      )}
    </div>
  );
}
