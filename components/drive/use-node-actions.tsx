"use client";
import { useCallback, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Copy, Download, Eye, FolderInput, FolderOpen, History, Pencil, Share2, Star, StarOff, Trash2 } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useToast } from "@/components/ui/toast";
import { useT } from "@/components/i18n/i18n-provider";
import { NameDialog } from "@/components/drive/name-dialog";
import { FolderPickerDialog } from "@/components/drive/folder-picker-dialog";
import { NodeMenu, type MenuItem } from "@/components/drive/node-menu";
import type { ListNode } from "@/components/drive/node-list";
import { ShareDialog } from "@/components/share/share-dialog";

export function downloadUrl(nodes: ListNode[]): string {
  // `redirect=1`: after the access check the browser is sent to the blob's signed URL.
  if (nodes.length === 1 && nodes[0]!.kind === "FILE") return `/api/files/${nodes[0]!.id}/content?redirect=1`;
  return `/api/zip?ids=${nodes.map((n) => n.id).join(",")}`;
}

function startDownload(url: string) {
  const a = document.createElement("a");
  a.href = url;
  a.download = "";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

type Dialog =
  | { kind: "rename"; node: ListNode }
  | { kind: "move" | "copy"; nodes: ListNode[] }
  | { kind: "menu"; nodes: ListNode[]; at: { x: number; y: number } }
  | { kind: "share"; node: ListNode }
  | null;

/**
 * Everything one can do to files and folders, shared by the drive, search, recent and starred
 * views: the context menu, its dialogs, and toasts with undo for what can be undone.
 * `parentId` is the folder the nodes are listed in (for undoing a move), when there is one.
 * `readOnly` (a viewer's folder) leaves out sharing, renaming, moving and deleting; `canShare`
 * (default: not read-only) false leaves out sharing alone (an editor who is not an owner or manager).
 * Items listed from many folders carry their own `access`, which narrows the same way per item.
 */
export function useNodeActions(options: { parentId?: string | null; readOnly?: boolean; canShare?: boolean; onPreview?: (node: ListNode) => void; onVersions?: (node: ListNode) => void }) {
  const folderReadOnly = options.readOnly ?? false;
  const folderCanShare = !folderReadOnly && (options.canShare ?? true);
  const writable = (nodes: ListNode[]) => !folderReadOnly && nodes.every((n) => n.access?.canWrite ?? true);
  const shareable = (node: ListNode) => folderCanShare && (node.access ? node.access.canWrite && node.access.canShare : true);
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const rename = useMutation(trpc.drive.rename.mutationOptions());
  const move = useMutation(trpc.drive.move.mutationOptions());
  const copy = useMutation(trpc.drive.copy.mutationOptions());
  const trash = useMutation(trpc.drive.trash.mutationOptions());
  const restore = useMutation(trpc.drive.restore.mutationOptions());
  const star = useMutation(trpc.drive.star.mutationOptions());
  const unstar = useMutation(trpc.drive.unstar.mutationOptions());

  const refresh = useCallback(async () => {
    await Promise.all(
      [trpc.drive.list.pathKey(), trpc.drive.search.pathKey(), trpc.drive.recent.pathKey(), trpc.drive.starred.pathKey(), trpc.drive.listTrash.pathKey(), trpc.auth.me.pathKey()].map(
        (queryKey) => queryClient.invalidateQueries({ queryKey }),
      ),
    );
  }, [queryClient, trpc]);

  const fail = useCallback((e: unknown) => toast("error", (e as Error).message), [toast]);
  const label = (nodes: ListNode[]) => ({ count: nodes.length, name: nodes[0]?.name ?? "" });

  const open = useCallback(
    (node: ListNode) => {
      if (node.kind === "FOLDER") router.push(`/drive/${node.id}`);
      else if (options.onPreview) options.onPreview(node);
      else startDownload(downloadUrl([node]));
    },
    [router, options],
  );

  const moveToTrash = useCallback(
    async (nodes: ListNode[]) => {
      if (!nodes.length) return;
      try {
        await trash.mutateAsync({ nodeIds: nodes.map((n) => n.id) });
        await refresh();
        toast("success", t("actions.trashed", label(nodes)), {
          label: t("actions.undo"),
          onClick: async () => {
            await restore.mutateAsync({ nodeIds: nodes.map((n) => n.id) }).catch(fail);
            await refresh();
          },
        });
      } catch (e) {
        fail(e);
      }
    },
    [trash, restore, refresh, toast, t, fail],
  );

  const moveTo = useCallback(
    async (nodes: ListNode[], targetId: string) => {
      await move.mutateAsync({ nodeIds: nodes.map((n) => n.id), targetId });
      await refresh();
      const from = options.parentId;
      toast(
        "success",
        t("actions.moved", label(nodes)),
        from
          ? {
              label: t("actions.undo"),
              onClick: async () => {
                await move.mutateAsync({ nodeIds: nodes.map((n) => n.id), targetId: from }).catch(fail);
                await refresh();
              },
            }
          : undefined,
      );
    },
    [move, refresh, toast, t, options.parentId, fail],
  );

  const menuItems = (nodes: ListNode[]): MenuItem[] => {
    const one = nodes.length === 1 ? nodes[0]! : null;
    const items: MenuItem[] = [];
    if (one?.kind === "FOLDER") items.push({ id: "open", label: t("actions.open"), icon: <FolderOpen />, onSelect: () => open(one) });
    if (one?.kind === "FILE" && options.onPreview) items.push({ id: "preview", label: t("actions.preview"), icon: <Eye />, onSelect: () => options.onPreview!(one) });
    items.push({
      id: "download",
      label: one?.kind === "FILE" ? t("actions.download") : t("actions.downloadZip"),
      icon: <Download />,
      onSelect: () => startDownload(downloadUrl(nodes)),
    });
    const readOnly = !writable(nodes);
    if (one && shareable(one)) items.push({ id: "share", label: t("sharing.share"), icon: <Share2 />, onSelect: () => setDialog({ kind: "share", node: one }) });
    if (one && !readOnly) items.push({ id: "rename", label: t("actions.rename"), icon: <Pencil />, onSelect: () => setDialog({ kind: "rename", node: one }) });
    if (!readOnly) items.push({ id: "move", label: t("actions.move"), icon: <FolderInput />, onSelect: () => setDialog({ kind: "move", nodes }) });
    items.push({ id: "copy", label: t("actions.copy"), icon: <Copy />, onSelect: () => setDialog({ kind: "copy", nodes }) });
    if (one)
      items.push(
        one.starred
          ? { id: "unstar", label: t("actions.unstar"), icon: <StarOff />, onSelect: () => void unstar.mutateAsync({ nodeId: one.id }).then(refresh, fail) }
          : { id: "star", label: t("actions.star"), icon: <Star />, onSelect: () => void star.mutateAsync({ nodeId: one.id }).then(refresh, fail) },
      );
    if (one?.kind === "FILE" && options.onVersions) items.push({ id: "versions", label: t("actions.versions"), icon: <History />, onSelect: () => options.onVersions!(one) });
    if (!readOnly) items.push({ id: "trash", label: t("actions.trash"), icon: <Trash2 />, danger: true, onSelect: () => void moveToTrash(nodes) });
    return items;
  };

  let rendered: ReactNode = null;
  if (dialog?.kind === "menu") rendered = <NodeMenu at={dialog.at} items={menuItems(dialog.nodes)} onClose={() => setDialog(null)} />;
  if (dialog?.kind === "share") rendered = <ShareDialog node={dialog.node} onClose={() => setDialog(null)} />;
  if (dialog?.kind === "rename")
    rendered = (
      <NameDialog
        title={t("actions.renameTitle")}
        icon={<Pencil className="size-5" />}
        label={t("actions.newName")}
        initial={dialog.node.name}
        submitLabel={t("actions.rename")}
        onClose={() => setDialog(null)}
        onSubmit={async (name) => {
          await rename.mutateAsync({ nodeId: dialog.node.id, name });
          await refresh();
          toast("success", t("actions.renamed", { name }));
        }}
      />
    );
  if (dialog?.kind === "move" || dialog?.kind === "copy") {
    const nodes = dialog.nodes;
    rendered = (
      <FolderPickerDialog
        title={t(dialog.kind === "move" ? "actions.moveTitle" : "actions.copyTitle", label(nodes))}
        submitLabel={t(dialog.kind === "move" ? "actions.moveHere" : "actions.copyHere")}
        excludeIds={dialog.kind === "move" ? nodes.filter((n) => n.kind === "FOLDER").map((n) => n.id) : []}
        startFolderId={options.parentId ?? null}
        onClose={() => setDialog(null)}
        onSubmit={async (targetId) => {
          if (dialog.kind === "move") return moveTo(nodes, targetId);
          await copy.mutateAsync({ nodeIds: nodes.map((n) => n.id), targetId });
          await refresh();
          toast("success", t("actions.copied", label(nodes)));
        }}
      />
    );
  }

  return {
    dialogs: rendered,
    open,
    openMenu: (nodes: ListNode[], at: { x: number; y: number }) => setDialog({ kind: "menu", nodes, at }),
    // F2, Delete and drags reach these too: in a read-only folder they do nothing.
    rename: (node: ListNode) => writable([node]) && setDialog({ kind: "rename", node }),
    share: (node: ListNode) => shareable(node) && setDialog({ kind: "share", node }),
    moveDialog: (nodes: ListNode[]) => writable(nodes) && setDialog({ kind: "move", nodes }),
    moveTo: (nodes: ListNode[], targetId: string) => (writable(nodes) ? moveTo(nodes, targetId).catch(fail) : Promise.resolve()),
    trash: (nodes: ListNode[]) => (writable(nodes) ? moveToTrash(nodes) : Promise.resolve()),
    download: (nodes: ListNode[]) => nodes.length && startDownload(downloadUrl(nodes)),
    isDialogOpen: dialog !== null,
  };
}
