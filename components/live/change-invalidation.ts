import type { Query, QueryClient } from "@tanstack/react-query";
import type { TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@/server/runtime/trpc-router";
import type { ChangeDto } from "@/server/changes/change-feed.service";

/** A change as it arrives over the wire (JSON: the date is text). */
export type LiveChange = Omit<ChangeDto, "at"> & { at: string };

type Trpc = TRPCOptionsProxy<AppRouter>;

/** Kinds that add or drop stored bytes: the usage bar, unfinished and in-flight uploads change. */
const BYTE_KINDS = new Set<string>(["file.uploaded", "file.versioned", "file.dropped", "version.restored", "node.copied", "node.purged"]);
const UPLOAD_KINDS = new Set<string>(["file.uploaded", "file.versioned", "file.dropped"]);
const TRASH_KINDS = new Set<string>(["node.trashed", "node.restored", "node.purged"]);

const inputOf = (q: Query) => ((q.queryKey[1] as { input?: Record<string, unknown> } | undefined)?.input ?? {}) as Record<string, unknown>;

/** A folder listing's page (drive.list is infinite in the drive, plain in the folder picker). */
function listingOf(q: Query): { folder?: { id: string }; breadcrumbs?: { id: string }[] } | undefined {
  const data = q.state.data as { pages?: unknown[] } | undefined;
  return (data?.pages ? data.pages[0] : data) as ReturnType<typeof listingOf>;
}

/** Whether a list query's data shows this node (paged or plain, rows with `id`). */
function shows(q: Query, nodeId: string): boolean {
  const data = q.state.data as { pages?: { items?: { id: string }[] }[] } | { id: string }[] | undefined;
  if (Array.isArray(data)) return data.some((n) => n.id === nodeId);
  return !!data?.pages?.some((p) => p.items?.some((n) => n.id === nodeId));
}

/**
 * Marks stale exactly the queries a change affects; React Query refetches those on screen now and
 * the others when they are next shown. Idempotent: a change this tab made itself, already refreshed
 * by its mutation, costs at most one more fetch of the same data.
 */
export function invalidateForChange(queryClient: QueryClient, trpc: Trpc, c: LiveChange): Promise<unknown> {
  const work: Promise<unknown>[] = [];
  const invalidate = (queryKey: readonly unknown[], predicate?: (q: Query) => boolean) => work.push(queryClient.invalidateQueries({ queryKey, predicate }));

  if (c.kind === "notification.created") {
    invalidate(trpc.notify.unread.queryKey());
    invalidate(trpc.notify.list.pathKey());
    // A notice about a file on screen may change how it is shown (a quarantined file gets its badge).
    invalidate(trpc.drive.list.pathKey(), (q) => shows(q, c.nodeId));
    return Promise.all(work);
  }

  const parents = [c.oldParentId, c.newParentId].filter((id): id is string => !!id);
  // The listings of the old and new parent; for a folder also its own listing and those below it
  // (their breadcrumbs show its name, and a trashed or unshared folder is no longer there).
  invalidate(trpc.drive.list.pathKey(), (q) => {
    const folderId = inputOf(q).folderId as string | null | undefined;
    const page = listingOf(q);
    const shown = page?.folder?.id ?? folderId;
    if (shown && parents.includes(shown)) return true;
    if (folderId && parents.includes(folderId)) return true;
    return c.nodeKind === "FOLDER" && (shown === c.nodeId || !!page?.breadcrumbs?.some((b) => b.id === c.nodeId));
  });
  invalidate(trpc.drive.versions.pathKey(), (q) => inputOf(q).nodeId === c.nodeId);

  if (c.kind === "grant.added" || c.kind === "grant.removed") {
    invalidate(trpc.share.sharedWithMe.queryKey());
    invalidate(trpc.share.grants.pathKey(), (q) => inputOf(q).nodeId === c.nodeId);
    // Only a team folder's top has no parent: joining or leaving it changes the sidebar's list.
    if (parents.length === 0) invalidate(trpc.teams.mine.queryKey());
    return Promise.all(work);
  }

  invalidate(trpc.drive.recent.pathKey());
  invalidate(trpc.drive.search.pathKey());
  invalidate(trpc.drive.starred.pathKey(), (q) => c.kind === "node.restored" || shows(q, c.nodeId));
  invalidate(trpc.share.sharedWithMe.queryKey(), (q) => shows(q, c.nodeId));
  if (TRASH_KINDS.has(c.kind)) invalidate(trpc.drive.listTrash.pathKey());
  if (BYTE_KINDS.has(c.kind)) invalidate(trpc.auth.me.queryKey());
  if (UPLOAD_KINDS.has(c.kind)) {
    invalidate(trpc.upload.unfinished.queryKey());
    invalidate(trpc.admin.uploads.list.queryKey());
  }
  return Promise.all(work);
}
