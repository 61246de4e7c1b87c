"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FolderPlus } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useToast } from "@/components/ui/toast";
import { useT } from "@/components/i18n/i18n-provider";
import { NameDialog } from "@/components/drive/name-dialog";

export function NewFolderDialog({ parentId, onClose }: { parentId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const t = useT();
  const create = useMutation(trpc.drive.createFolder.mutationOptions());
  return (
    <NameDialog
      title={t("drive.newFolder")}
      icon={<FolderPlus className="size-5" />}
      label={t("drive.folderName")}
      initial={t("drive.untitledFolder")}
      submitLabel={t("drive.create")}
      onClose={onClose}
      onSubmit={async (name) => {
        await create.mutateAsync({ parentId, name });
        await queryClient.invalidateQueries({ queryKey: trpc.drive.list.pathKey() });
        toast("success", t("drive.createdFolder", { name }));
      }}
    />
  );
}
