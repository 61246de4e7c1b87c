"use client";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import * as tus from "tus-js-client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, useTRPCClient } from "@/components/trpc/client";
import { noteOwnUpload } from "@/components/live/live-highlight";
import { hashFile, hashRanges } from "@/components/upload/hash-file";
import { patchSize, s3PartSize } from "@/server/upload/part-size";
import type { FileDigests } from "@/components/upload/file-digests";
import { UploadPanel } from "@/components/upload/upload-panel";
import { useT } from "@/components/i18n/i18n-provider";
import type { OnConflict } from "@/server/upload/upload.schemas";
import { DirectUnreachableError, runDirectUpload, xhrPutPart } from "@/components/upload/direct-upload-client";

export type UploadStatus = "hashing" | "uploading" | "paused" | "done" | "error";

export interface UploadItem {
  key: string;
  name: string;
  parentId: string | null;
  size: number;
  sent: number;
  /** Bytes per second, smoothed. */
  speed: number;
  status: UploadStatus;
  error?: string;
  /** Bytes hashed so far while checking for an instant upload. */
  hashed?: number;
  /** Added without a transfer: the server already had the content and the proof matched. */
  instant?: boolean;
  /** How the bytes travel: straight to the S3 bucket, or through the server (tus). */
  via?: "direct" | "tus";
  /** The bucket could not be reached from this browser, so the upload went through tus instead. */
  fellBack?: boolean;
}

interface UploadApi {
  items: UploadItem[];
  /** `onConflict`: what the server does when the folder holds the name (unset: a new version). */
  enqueue(files: File[], parentId: string | null, onConflict?: OnConflict): void;
  pause(key: string): void;
  resume(key: string): void;
  cancel(key: string): void;
  clearFinished(): void;
}

const UploadContext = createContext<UploadApi | null>(null);

/** The folders a file of a dropped or picked tree sits in, "" for a plain file. */
const relativePathOf = (f: File) => (f as File & { relativePath?: string }).relativePath ?? "";

export function useUploads(): UploadApi {
  const api = useContext(UploadContext);
  if (!api) throw new Error("useUploads outside UploadManager");
  return api;
}

// PATCHes of exactly one S3 part (8 MiB unless the file is huge or the server says otherwise): the
// store never stages a tail, and an interruption loses at most one part.
const DEFAULT_PART_FLOOR = 8 * 1024 * 1024;
// Files from this size are hashed first, to offer 秒传 (instant upload) and to let the server
// verify the transfer end to end. Smaller ones upload faster than they hash and ask.
const INSTANT_MIN_BYTES = 4 * 1024 * 1024;

/** A readable message from a failed tus request: our server answers JSON { code, message }. */
function describeTusError(err: Error, t: ReturnType<typeof useT>): string {
  const body = (err as tus.DetailedError).originalResponse?.getBody();
  if (body) {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      if (body.length < 200) return body.trim();
    }
  }
  return navigator.onLine ? t("uploads.failed") : t("uploads.offline");
}

export function UploadManager({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const uploads = useRef(new Map<string, tus.Upload>());
  const hashing = useRef(new Map<string, AbortController>());
  const trpcClient = useTRPCClient();
  const t = useT();
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const uploadConfig = useQuery(trpc.upload.config.queryOptions(undefined, { staleTime: Infinity }));
  const partFloor = useRef(DEFAULT_PART_FLOOR);
  partFloor.current = uploadConfig.data?.partFloorBytes ?? DEFAULT_PART_FLOOR;
  const partsPerPatch = useRef(1);
  partsPerPatch.current = uploadConfig.data?.partsPerPatch ?? 1;

  const directOn = useRef(false);
  directOn.current = uploadConfig.data?.direct ?? false;
  const directs = useRef(new Map<string, { controller: AbortController; restart: () => void; uploadId?: string; remembered: string }>());

  const patch = useCallback((key: string, change: Partial<UploadItem> | ((i: UploadItem) => Partial<UploadItem>)) => {
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...(typeof change === "function" ? change(i) : change) } : i)));
  }, []);

  const onCommitted = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.drive.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.upload.unfinished.queryKey() });
  }, [queryClient, trpc]);

  const startTus = useCallback(
    (key: string, file: File, parentId: string | null, onConflict: OnConflict | undefined, sha256?: string) => {
      let lastBytes = 0;
      let lastTime = performance.now();
      const upload = new tus.Upload(file, {
        endpoint: "/api/upload",
        chunkSize: patchSize(file.size, partFloor.current, partsPerPatch.current),
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
        metadata: {
          filename: file.name,
          filetype: file.type || "application/octet-stream",
          ...(parentId ? { parentId } : {}),
          ...(sha256 ? { sha256 } : {}),
          ...(relativePathOf(file) ? { relativePath: relativePathOf(file) } : {}),
          ...(onConflict ? { onConflict } : {}),
        },
        // Same file, same folder: a reload finds the unfinished upload and continues it.
        fingerprint: async (f) => ["yunpan", parentId ?? "root", relativePathOf(f as File), (f as File).name, (f as File).size, (f as File).lastModified].join(":"),
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onProgress(sent, total) {
          const now = performance.now();
          const dt = (now - lastTime) / 1000;
          if (dt >= 0.25 || sent === total) {
            const instant = Math.max(0, sent - lastBytes) / Math.max(dt, 0.001);
            lastBytes = sent;
            lastTime = now;
            patch(key, (i) => ({ sent, size: total, speed: i.speed ? i.speed * 0.6 + instant * 0.4 : instant }));
          }
        },
        onSuccess() {
          uploads.current.delete(key);
          patch(key, (i) => ({ status: "done", sent: i.size, speed: 0 }));
          onCommitted();
        },
        onError(err) {
          patch(key, { status: "error", error: describeTusError(err, t), speed: 0 });
        },
      });
      uploads.current.set(key, upload);
      patch(key, { status: "uploading", via: "tus" });
      void upload.findPreviousUploads().then((previous) => {
        const last = previous.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
        if (last) upload.resumeFromPreviousUpload(last);
        upload.start();
      });
    },
    [patch, onCommitted, t],
  );

  const unfinishedRef = useRef<{ id: string; parentId: string | null; filename: string; size: number | null; direct: boolean }[]>([]);

  /**
   * Sends the parts straight to the S3 bucket (see direct-upload-client.ts). A reload or another
   * device continues the unfinished direct upload of the same name, folder and size; a bucket this
   * browser cannot reach (CORS, network) falls back to tus, and the upload says so.
   */
  const startDirect = useCallback(
    (key: string, file: File, parentId: string, onConflict: OnConflict | undefined, digests: FileDigests) => {
      const { sha256 } = digests;
      const remembered = `yunpan-direct:${parentId}:${file.name}:${file.size}:${file.lastModified}`;
      const controller = new AbortController();
      const entry: { controller: AbortController; restart: () => void; uploadId?: string; remembered: string } = {
        controller,
        restart: () => startDirectRef.current(key, file, parentId, onConflict, digests),
        remembered,
      };
      directs.current.set(key, entry);
      const listed = unfinishedRef.current.find((u) => u.direct && u.parentId === parentId && u.filename === file.name && u.size === file.size);
      let lastBytes = -1;
      let lastTime = performance.now();
      patch(key, { status: "uploading", via: "direct" });
      runDirectUpload({
        file,
        filename: file.name,
        parentId,
        filetype: file.type || null,
        sha256,
        digests,
        onConflict,
        api: {
          start: (i) => trpcClient.upload.directStart.mutate(i),
          partUrls: (i) => trpcClient.upload.directPartUrls.mutate(i),
          parts: (i) => trpcClient.upload.directParts.query(i),
          complete: (i) => trpcClient.upload.directComplete.mutate(i),
        },
        putPart: xhrPutPart,
        resumeId: localStorage.getItem(remembered) ?? listed?.id ?? null,
        onStarted: (id) => {
          entry.uploadId = id;
          localStorage.setItem(remembered, id);
        },
        signal: controller.signal,
        onProgress(sent, total) {
          const now = performance.now();
          const dt = (now - lastTime) / 1000;
          if (lastBytes < 0) lastBytes = sent;
          if (dt >= 0.25 || sent === total) {
            const instant = Math.max(0, sent - lastBytes) / Math.max(dt, 0.001);
            lastBytes = sent;
            lastTime = now;
            patch(key, (i) => ({ sent, size: total, speed: i.speed ? i.speed * 0.6 + instant * 0.4 : instant }));
          }
        },
      }).then(
        () => {
          directs.current.delete(key);
          localStorage.removeItem(remembered);
          patch(key, (i) => ({ status: "done", sent: i.size, speed: 0 }));
          onCommitted();
        },
        (err: unknown) => {
          if ((err as Error).name === "AbortError") return;
          if (err instanceof DirectUnreachableError) {
            directs.current.delete(key);
            localStorage.removeItem(remembered);
            patch(key, { fellBack: true, sent: 0, speed: 0 });
            return startTus(key, file, parentId, onConflict, sha256);
          }
          patch(key, { status: "error", error: (err as Error).message || t("uploads.failed"), speed: 0 });
        },
      );
    },
    [patch, onCommitted, t, startTus, trpcClient],
  );
  // Resume restarts the same upload (it continues from the parts S3 holds).
  const startDirectRef = useRef(startDirect);
  useEffect(() => {
    startDirectRef.current = startDirect;
  }, [startDirect]);

  /** Hash, ask whether the server already has the bytes, prove it with sampled ranges, or upload. */
  const begin = useCallback(
    async (key: string, file: File, parentId: string | null, onConflict: OnConflict | undefined) => {
      // Files of a dropped tree go straight to tus: their folder is made when the upload is created.
      if (file.size < INSTANT_MIN_BYTES || !parentId || relativePathOf(file)) return startTus(key, file, parentId, onConflict);
      const abort = new AbortController();
      hashing.current.set(key, abort);
      let digests: FileDigests;
      try {
        // With direct upload on, the same read gives each part's MD5 (the plan's part size, as the server computes it).
        const partSize = directOn.current ? s3PartSize(file.size, partFloor.current) : null;
        digests = await hashFile(file, partSize, (done) => patch(key, { hashed: done }), abort.signal);
      } catch (e) {
        if ((e as Error).name === "AbortError") return;
        return startTus(key, file, parentId, onConflict);
      } finally {
        hashing.current.delete(key);
      }
      const { sha256 } = digests;
      try {
        const prep = await trpcClient.upload.instantPrepare.mutate({ parentId, filename: file.name, size: file.size, sha256, onConflict });
        if (prep.kind === "challenge") {
          const answers = await hashRanges(file, prep.ranges);
          await trpcClient.upload.instantCommit.mutate({ challenge: prep.challenge, answers });
          patch(key, (i) => ({ status: "done", instant: true, sent: i.size }));
          return onCommitted();
        }
      } catch (e) {
        // A refused size or quota is final; anything else falls back to a normal upload.
        const code = (e as { data?: { appCode?: string } }).data?.appCode;
        if (code === "PAYLOAD_TOO_LARGE" || code === "NOT_FOUND" || code === "TOO_MANY_REQUESTS") {
          return patch(key, { status: "error", error: (e as Error).message });
        }
      }
      if (directOn.current) return startDirect(key, file, parentId, onConflict, digests);
      startTus(key, file, parentId, onConflict, sha256);
    },
    [patch, startTus, startDirect, trpcClient, onCommitted],
  );

  const enqueue = useCallback(
    (files: File[], parentId: string | null, onConflict?: OnConflict) => {
      for (const file of files) {
        const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const display = relativePathOf(file) ? `${relativePathOf(file)}/${file.name}` : file.name;
        if (!relativePathOf(file)) noteOwnUpload(parentId, file.name);
        setItems((list) => [...list, { key, name: display, parentId, size: file.size, sent: 0, speed: 0, status: file.size >= INSTANT_MIN_BYTES ? "hashing" : "uploading", hashed: 0 }]);
        void begin(key, file, parentId, onConflict);
      }
    },
    [begin],
  );

  const api = useMemo<UploadApi>(
    () => ({
      items,
      enqueue,
      pause(key) {
        directs.current.get(key)?.controller.abort();
        void uploads.current.get(key)?.abort();
        patch(key, { status: "paused", speed: 0 });
      },
      resume(key) {
        directs.current.get(key)?.restart();
        uploads.current.get(key)?.start();
        patch(key, { status: "uploading", error: undefined });
      },
      cancel(key) {
        hashing.current.get(key)?.abort();
        const direct = directs.current.get(key);
        directs.current.delete(key);
        if (direct) {
          direct.controller.abort();
          localStorage.removeItem(direct.remembered);
          // Aborting on the server releases its space and the parts already stored.
          if (direct.uploadId) void trpcClient.upload.directAbort.mutate({ uploadId: direct.uploadId }).catch(() => {});
        }
        const u = uploads.current.get(key);
        uploads.current.delete(key);
        // abort(true) also terminates the upload on the server, releasing its space.
        void u?.abort(true).catch(() => {});
        setItems((list) => list.filter((i) => i.key !== key));
        void queryClient.invalidateQueries({ queryKey: trpc.upload.unfinished.queryKey() });
      },
      clearFinished() {
        setItems((list) => list.filter((i) => i.status !== "done"));
      },
    }),
    [items, enqueue, patch, queryClient, trpc, trpcClient],
  );

  // Warn before leaving while bytes are in flight (they would resume, but only once the file is chosen again).
  const busy = items.some((i) => i.status === "uploading" || i.status === "hashing");
  useEffect(() => {
    if (!busy) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [busy]);

  const unfinished = useQuery({ ...trpc.upload.unfinished.queryOptions(), refetchOnWindowFocus: true });
  unfinishedRef.current = unfinished.data ?? [];
  const localNames = new Set(items.map((i) => `${i.parentId ?? ""}/${i.name}`));
  const interrupted = (unfinished.data ?? []).filter((u) => !localNames.has(`${u.parentId ?? ""}/${u.filename}`));

  return (
    <UploadContext.Provider value={api}>
      {children}
      <UploadPanel
        api={api}
        interrupted={interrupted}
        onDiscard={(uploadId) =>
          void trpcClient.upload.cancel.mutate({ uploadId }).finally(() => {
            void queryClient.invalidateQueries({ queryKey: trpc.upload.unfinished.queryKey() });
          })
        }
      />
    </UploadContext.Provider>
  );
}
