import { logger } from "@/server/log/logger";
import { recordUploadProgress } from "@/server/upload/upload.service";

type Save = (uploadId: string, offset: number) => Promise<void>;

/**
 * Writes an upload's offset (and pushed-back expiry) to the database at most once per `everyMs`
 * per upload, and always the latest one: the first write of a burst goes at once, later ones wait
 * for the window and are merged. So a stream of 8 MiB PATCHes costs one UPDATE a second instead of
 * one per PATCH, and the recorded offset trails the real one by at most `everyMs`.
 */
export function createProgressRecorder(options: { everyMs?: number; save?: Save } = {}) {
  const everyMs = options.everyMs ?? 1000;
  const save = options.save ?? recordUploadProgress;
  const state = new Map<string, { pending: number | null; timer: NodeJS.Timeout }>();

  const flush = (uploadId: string, offset: number) =>
    void save(uploadId, offset).catch((err: unknown) => logger.warn({ err, uploadId }, "could not record upload progress"));

  const closeWindow = (uploadId: string) => {
    const s = state.get(uploadId);
    if (!s) return;
    if (s.pending === null) {
      state.delete(uploadId);
      return;
    }
    flush(uploadId, s.pending);
    s.pending = null;
    s.timer = setTimeout(() => closeWindow(uploadId), everyMs);
    s.timer.unref();
  };

  return {
    record(uploadId: string, offset: number) {
      const s = state.get(uploadId);
      if (s) {
        s.pending = offset;
        return;
      }
      flush(uploadId, offset);
      const timer = setTimeout(() => closeWindow(uploadId), everyMs);
      timer.unref();
      state.set(uploadId, { pending: null, timer });
    },
    /** Uploads with a write still waiting (tests). */
    get waiting(): number {
      return [...state.values()].filter((s) => s.pending !== null).length;
    },
  };
}
