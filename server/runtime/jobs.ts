import { getTus } from "@/server/upload/tus-server";
import { expireStaleUploads } from "@/server/upload/upload-expiry.service";
import { removeUploadData } from "@/server/upload/direct-upload.service";
import { collectGarbage } from "@/server/drive/blob-gc.service";
import { purgeExpiredTrash } from "@/server/drive/trash.service";
import type { Job } from "@/server/jobs/job-runner";
import { backfillThumbnails } from "@/server/thumbnails/thumbnail.service";
import { pruneChangeLog } from "@/server/changes/change-feed.service";
import { getEnv } from "@/server/env";
import { runWebhooksOnce } from "@/server/webhooks/webhook-delivery";
import { startSearchBackfill } from "@/server/search/search-index.service";

/** Every background job of the process, with its period. */
export function allJobs(): Job[] {
  return [
    {
      name: "expire-uploads",
      everyMs: 10 * 60_000,
      run: () => expireStaleUploads((id) => removeUploadData(id, (tusId) => getTus().store.remove(tusId))),
    },
    { name: "blob-gc", everyMs: 60 * 60_000, run: () => collectGarbage() },
    { name: "purge-trash", everyMs: 60 * 60_000, run: () => purgeExpiredTrash({ now: new Date() }) },
    { name: "thumbnail-backfill", everyMs: 30 * 60_000, run: () => backfillThumbnails() },
    { name: "prune-change-log", everyMs: 60 * 60_000, run: () => pruneChangeLog({ now: new Date(), keepDays: getEnv().eventsKeepDays }) },
    // Retries come due on the clock, not on a change: a pass every minute attempts them.
    { name: "webhooks", everyMs: 60_000, run: () => runWebhooksOnce() },
    // Files stored before content search (or missed) are indexed by a queued, resumable pass; the first check runs soon after boot.
    { name: "search-backfill", everyMs: 60 * 60_000, run: () => startSearchBackfill() },
  ];
}
