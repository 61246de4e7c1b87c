"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link2, XCircle } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useAdminLiveScope } from "@/components/live/live-events";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { formatModified } from "@/components/drive/format";
import { formatBytes } from "@/server/i18n/messages";
import { Badge, EmptyRow, PageHeader, Table } from "@/components/admin/admin-ui";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type Upload = RouterOutputs["admin"]["uploads"]["list"][number];

export function AdminUploads() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  // Progress moves while the page is open (bytes are not in the change log); an upload that
  // finishes anywhere leaves the list at once through the live stream's admin scope.
  useAdminLiveScope();
  const uploads = useQuery({ ...trpc.admin.uploads.list.queryOptions(), refetchInterval: 2000 });
  const [aborting, setAborting] = useState<Upload | null>(null);
  return (
    <div className="space-y-4">
      <PageHeader title={t("admin.uploads.title")} intro={t("admin.uploads.intro")} />
      <Table testId="uploads-table" head={[t("admin.uploads.file"), t("admin.uploads.user"), t("admin.uploads.size"), t("admin.uploads.progress"), t("admin.uploads.age"), t("admin.uploads.lastActivity"), ""]}>
        {uploads.isLoading ? <EmptyRow colSpan={7}>{t("admin.common.loading")}</EmptyRow> : null}
        {uploads.data?.length === 0 ? <EmptyRow colSpan={7}>{t("admin.uploads.empty")}</EmptyRow> : null}
        {uploads.data?.map((u) => {
          const pct = u.size ? Math.min(100, Math.floor((u.offset / u.size) * 100)) : null;
          return (
            <tr key={u.id} data-testid="upload-row" data-filename={u.filename}>
              <td className="px-4 py-3">
                <div className="truncate font-medium">{u.filename}</div>
                {u.viaShareLink ? (
                  <Badge>
                    <Link2 className="size-3" />
                    {t("admin.uploads.viaLink")}
                  </Badge>
                ) : null}
              </td>
              <td className="px-4 py-3">
                <div className="truncate">{u.user.name}</div>
                <div className="truncate text-xs text-zinc-500">{u.user.email}</div>
              </td>
              <td className="px-4 py-3 whitespace-nowrap tabular-nums">{u.size === null ? <span className="text-xs text-zinc-500">{t("admin.uploads.unknownSize")}</span> : formatBytes(u.size)}</td>
              <td className="px-4 py-3">
                <div className="flex items-center gap-2">
                  <div className="h-1.5 w-28 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
                    <div className="h-full rounded-full bg-brand-500 transition-[width]" style={{ width: `${pct ?? 0}%` }} />
                  </div>
                  <span className="text-xs text-zinc-500 tabular-nums">{pct === null ? formatBytes(u.offset) : `${pct}%`}</span>
                </div>
              </td>
              <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-500">{formatModified(u.createdAt, locale)}</td>
              <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-500">{formatModified(u.updatedAt, locale)}</td>
              <td className="px-4 py-3 text-right">
                <Button variant="ghost" aria-label={t("admin.uploads.abortNamed", { name: u.filename })} onClick={() => setAborting(u)}>
                  <XCircle className="size-4" /> {t("admin.uploads.abort")}
                </Button>
              </td>
            </tr>
          );
        })}
      </Table>
      {aborting ? <AbortDialog upload={aborting} onClose={() => setAborting(null)} /> : null}
    </div>
  );
}

function AbortDialog({ upload, onClose }: { upload: Upload; onClose: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const abort = useMutation(trpc.admin.uploads.abort.mutationOptions());
  return (
    <ConfirmDialog
      title={t("admin.uploads.abortTitle", { name: upload.filename })}
      body={t("admin.uploads.abortBody", { user: upload.user.email })}
      confirmLabel={t("admin.uploads.abort")}
      cancelLabel={t("admin.common.cancel")}
      pending={abort.isPending}
      onClose={onClose}
      onConfirm={() =>
        abort
          .mutateAsync({ uploadId: upload.id })
          .then(async () => {
            toast("success", t("admin.uploads.aborted", { name: upload.filename }));
            await queryClient.invalidateQueries({ queryKey: trpc.admin.uploads.list.queryKey() });
            onClose();
          })
          .catch((e: Error) => toast("error", e.message))
      }
    />
  );
}
