"use client";
import { useMemo, useState, type ReactNode } from "react";
import { useInfiniteQuery, type InfiniteData, type UseInfiniteQueryOptions } from "@tanstack/react-query";
import { NodeList, type ListNode } from "@/components/drive/node-list";
import { useSelection } from "@/components/drive/use-selection";
import { useNodeActions } from "@/components/drive/use-node-actions";
import { useListKeyboard } from "@/components/drive/use-list-keyboard";
import { useT } from "@/components/i18n/i18n-provider";
import { PreviewDialog } from "@/components/drive/preview-dialog";
import { VersionsDialog } from "@/components/drive/versions-dialog";

interface Page {
  items: (ListNode & { parentId: string | null; path: { name: string; isRoot: boolean }[] })[];
  nextCursor: string | null;
}

/**
 * A list of files from anywhere in the drive (search results, recent, starred), each with where it
 * lives, and the same actions, menu and keys as a folder.
 */
export function CollectionView(props: {
  title: ReactNode;
  // The tRPC infinite query for the list; its pages are { items, nextCursor }.
  options: UseInfiniteQueryOptions<Page, Error, InfiniteData<Page>, readonly unknown[], string | null | undefined>;
  empty: ReactNode;
  toolbar?: ReactNode;
}) {
  const t = useT();
  const query = useInfiniteQuery(props.options);
  const items: ListNode[] = useMemo(
    () =>
      (query.data?.pages ?? []).flatMap((p) =>
        p.items.map((n) => ({ ...n, location: n.path.map((c) => (c.isRoot ? t("app.myDrive") : c.name)).join(" / ") || t("app.myDrive") })),
      ),
    [query.data, t],
  );
  const ids = useMemo(() => items.map((n) => n.id), [items]);
  const selection = useSelection(ids);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [preview, setPreview] = useState<ListNode | null>(null);
  const [versions, setVersions] = useState<ListNode | null>(null);
  const actions = useNodeActions({ onPreview: setPreview, onVersions: setVersions });
  const onKeyDown = useListKeyboard({ items, selection, focusedId, setFocusedId, columns: 1, actions, disabled: actions.isDialogOpen || !!preview || !!versions });

  return (
    <div className="px-4 py-5 md:px-8">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="flex-1 text-lg font-semibold">{props.title}</h1>
        {props.toolbar}
      </div>
      <div className="mt-4" onKeyDown={onKeyDown}>
        {query.isError ? (
          <p className="rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-700 dark:border-red-900 dark:bg-red-950/40 dark:text-red-300">{query.error.message}</p>
        ) : !query.isPending && items.length === 0 ? (
          <div className="rounded-xl border border-zinc-200 bg-white px-6 py-20 text-center text-sm text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900" data-testid="empty-collection">
            {props.empty}
          </div>
        ) : (
          <NodeList
            items={items}
            view="list"
            showLocation
            selection={selection}
            focusedId={focusedId}
            onFocus={setFocusedId}
            onOpen={actions.open}
            onMenu={(node, at) => actions.openMenu(selection.has(node.id) ? items.filter((n) => selection.has(n.id)) : [node], at)}
            hasMore={query.hasNextPage}
            loadMore={() => !query.isFetchingNextPage && void query.fetchNextPage()}
          />
        )}
      </div>
      {actions.dialogs}
      {preview ? <PreviewDialog node={preview} onClose={() => setPreview(null)} /> : null}
      {versions ? <VersionsDialog nodeId={versions.id} name={versions.name} readOnly={versions.access ? !versions.access.canWrite : false} onClose={() => setVersions(null)} /> : null}
    </div>
  );
}
