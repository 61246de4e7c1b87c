// Imports every module that registers a queued-job handler, so a process that runs the queue
// knows every kind. One line per area.
export {};
import "@/server/admin/user-deletion.job";
