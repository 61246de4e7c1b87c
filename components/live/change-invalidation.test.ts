import { describe, expect, it } from "vitest";
import { QueryClient, type QueryKey } from "@tanstack/react-query";
import { createTRPCClient, httpLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import superjson from "superjson";
import { invalidateForChange, type LiveChange } from "@/components/live/change-invalidation";
import type { AppRouter } from "@/server/runtime/trpc-router";

const ROOT = "00000000-0000-4000-8000-000000000001";
const DOCS = "00000000-0000-4000-8000-000000000002";
const OTHER = "00000000-0000-4000-8000-000000000003";
const FILE = "00000000-0000-4000-8000-000000000004";
const SUB = "00000000-0000-4000-8000-000000000005";

function setup() {
  const queryClient = new QueryClient();
  // Never called: the keys are all these tests need.
  const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: "http://127.0.0.1:9/api/trpc", transformer: superjson })] });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient });
  const listing = (id: string, crumbs: string[], items: string[] = []) => ({ pages: [{ folder: { id }, breadcrumbs: crumbs.map((c) => ({ id: c })), items: items.map((i) => ({ id: i })) }], pageParams: [null] });
  const keys = {
    root: trpc.drive.list.infiniteQueryKey({ folderId: null, limit: 200, sort: "name", dir: "asc" }),
    docs: trpc.drive.list.infiniteQueryKey({ folderId: DOCS, limit: 200, sort: "name", dir: "asc" }),
    other: trpc.drive.list.infiniteQueryKey({ folderId: OTHER, limit: 200, sort: "name", dir: "asc" }),
    sub: trpc.drive.list.infiniteQueryKey({ folderId: SUB, limit: 200, sort: "name", dir: "asc" }),
    picker: trpc.drive.list.queryKey({ folderId: OTHER, limit: 500 }),
    versionsOfFile: trpc.drive.versions.queryKey({ nodeId: FILE }),
    versionsOfOther: trpc.drive.versions.queryKey({ nodeId: OTHER }),
    trash: trpc.drive.listTrash.infiniteQueryKey({ limit: 100 }),
    recent: trpc.drive.recent.infiniteQueryKey({ limit: 100 }),
    starred: trpc.drive.starred.infiniteQueryKey({ limit: 100 }),
    shared: trpc.share.sharedWithMe.queryKey(),
    unread: trpc.notify.unread.queryKey(),
    notices: trpc.notify.list.queryKey({ limit: 30 }),
    me: trpc.auth.me.queryKey(),
    unfinished: trpc.upload.unfinished.queryKey(),
    adminUploads: trpc.admin.uploads.list.queryKey(),
    teams: trpc.teams.mine.queryKey(),
  };
  // Only the fields the invalidation reads; the rest of each answer does not matter here.
  const seed = (key: QueryKey, data: unknown) => queryClient.setQueryData(key, data);
  seed(keys.root, listing(ROOT, [ROOT], [DOCS]));
  seed(keys.docs, listing(DOCS, [ROOT, DOCS], [FILE, SUB]));
  seed(keys.other, listing(OTHER, [ROOT, OTHER]));
  seed(keys.sub, listing(SUB, [ROOT, DOCS, SUB]));
  seed(keys.picker, { folder: { id: OTHER }, breadcrumbs: [{ id: ROOT }, { id: OTHER }], items: [] });
  for (const k of [keys.versionsOfFile, keys.versionsOfOther, keys.unread, keys.notices, keys.me, keys.unfinished, keys.adminUploads, keys.teams]) seed(k, []);
  seed(keys.trash, { pages: [{ items: [] }], pageParams: [null] });
  seed(keys.recent, { pages: [{ items: [] }], pageParams: [null] });
  seed(keys.starred, { pages: [{ items: [{ id: OTHER }] }], pageParams: [null] });
  seed(keys.shared, []);
  const stale = () =>
    Object.entries(keys)
      .filter(([, k]) => queryClient.getQueryState(k)?.isInvalidated)
      .map(([name]) => name)
      .sort();
  return { queryClient, trpc, stale };
}

const change = (c: Partial<LiveChange> & Pick<LiveChange, "kind" | "nodeId">): LiveChange => ({
  seq: "1",
  at: new Date(0).toISOString(),
  nodeKind: "FILE",
  actorId: null,
  viaShareLink: false,
  oldParentId: null,
  newParentId: null,
  oldName: null,
  newName: null,
  granteeId: null,
  ...c,
});

describe("invalidateForChange", () => {
  it("a file moved from Docs to the root refreshes both listings (the root's by its id), not a third folder", async () => {
    const { queryClient, trpc, stale } = setup();
    await invalidateForChange(queryClient, trpc, change({ kind: "node.moved", nodeId: FILE, oldParentId: DOCS, newParentId: ROOT }));
    expect(stale()).toEqual(["docs", "recent", "root", "versionsOfFile"].sort());
  });

  it("an upload refreshes its folder, its versions, usage and the upload lists; the picker shows the same folder", async () => {
    const { queryClient, trpc, stale } = setup();
    await invalidateForChange(queryClient, trpc, change({ kind: "file.uploaded", nodeId: FILE, newParentId: OTHER, newName: "a.txt" }));
    expect(stale()).toEqual(["adminUploads", "me", "other", "picker", "recent", "unfinished", "versionsOfFile"].sort());
  });

  it("renaming a folder refreshes its parent's listing and every listing below it (breadcrumbs)", async () => {
    const { queryClient, trpc, stale } = setup();
    await invalidateForChange(queryClient, trpc, change({ kind: "node.renamed", nodeId: DOCS, nodeKind: "FOLDER", oldParentId: ROOT, newParentId: ROOT }));
    expect(stale()).toEqual(["docs", "recent", "root", "sub"].sort());
  });

  it("trash of a starred item refreshes Trash and Starred", async () => {
    const { queryClient, trpc, stale } = setup();
    await invalidateForChange(queryClient, trpc, change({ kind: "node.trashed", nodeId: OTHER, nodeKind: "FOLDER", oldParentId: ROOT }));
    expect(stale()).toEqual(["other", "picker", "recent", "root", "starred", "trash", "versionsOfOther"].sort());
  });

  it("a notification refreshes the bell, and the listing that shows its item (a quarantined file gets its badge)", async () => {
    const { queryClient, trpc, stale } = setup();
    await invalidateForChange(queryClient, trpc, change({ kind: "notification.created", nodeId: FILE, nodeKind: "FILE" }));
    expect(stale()).toEqual(["docs", "notices", "unread"]);
  });

  it("a notification about an item no list shows refreshes the bell only", async () => {
    const { queryClient, trpc, stale } = setup();
    await invalidateForChange(queryClient, trpc, change({ kind: "notification.created", nodeId: OTHER, nodeKind: "FOLDER" }));
    expect(stale()).toEqual(["notices", "unread"]);
  });

  it("a grant refreshes Shared with me, not Recent", async () => {
    const { queryClient, trpc, stale } = setup();
    await invalidateForChange(queryClient, trpc, change({ kind: "grant.added", nodeId: SUB, nodeKind: "FOLDER", newParentId: DOCS }));
    expect(stale()).toEqual(["docs", "shared", "sub"]);
  });

  it("joining or leaving a team folder (a grant event on its parentless top) refreshes the sidebar's team folders", async () => {
    const { queryClient, trpc, stale } = setup();
    await invalidateForChange(queryClient, trpc, change({ kind: "grant.added", nodeId: OTHER, nodeKind: "FOLDER" }));
    expect(stale()).toEqual(["other", "picker", "shared", "teams", "versionsOfOther"]);
  });
});
