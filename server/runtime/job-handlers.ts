// Imports every module that registers a queued-job handler, so a process that runs the queue
// knows every kind. One line per area.
import "@/server/thumbnails/thumbnail.service";
import "@/server/notify/job-handlers";
import "@/server/admin/user-deletion.job";
import "@/server/webhooks/webhook-delivery";
import "@/server/search/search-index.service";
import "@/server/upload/blob-verification.service";
