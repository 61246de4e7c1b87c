/** Every kind of change the log records (webhooks will subscribe by these names). */
export const CHANGE_KINDS = [
  "file.uploaded",
  "file.versioned",
  "file.dropped",
  "version.restored",
  "folder.created",
  "node.renamed",
  "node.moved",
  "node.copied",
  "node.trashed",
  "node.restored",
  "node.purged",
  "grant.added",
  "grant.removed",
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
