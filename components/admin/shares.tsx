"use client";
import { useEffect, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileText, Folder, Lock, Trash2 } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { formatModified } from "@/components/drive/format";
import { Badge, EmptyRow, PageHeader, Pager, SearchInput, Table } from "@/components/admin/admin-ui";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type Share = RouterOutputs["admin"]["shares"]["list"]["items"][number];
const stateTone = { active: "emerald", exhausted: "zinc", expired: "zinc", revoked: "red", ownerDisabled: "amber" } as const;

export function AdminShares() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  const [all, setAll] = useState(false);
  const [page, setPage] = useState(1);
  const [revoking, setRevoking] = useState<Share | null>(null);
  useEffect(() => {
    const id = setTimeout(() => (setDebounced(search.trim()), setPage(1)), 250);
    return () => clearTimeout(id);
  }, [search]);
  const shares = useQuery({
    ...trpc.admin.shares.list.queryOptions({ search: debounced || undefined, status: all ? "all" : "live", page, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });
  const dateOf = (d: Date) => d.toLocaleDateString(locale === "zh" ? "zh-CN" : "en", { year: "numeric", month: "short", day: "numeric" });

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("admin.shares.title")}
        intro={t("admin.shares.intro")}
        actions={
          <>
            <label className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
              <input type="checkbox" checked={all} onChange={(e) => (setAll(e.target.checked), setPage(1))} className="size-4 accent-brand-600" />
              {t("admin.shares.showAll")}
            </label>
            <SearchInput value={search} onChange={setSearch} placeholder={t("admin.shares.searchPlaceholder")} />
          </>
        }
      />
      <Table
        testId="shares-table"
        head={[t("admin.shares.target"), t("admin.shares.owner"), t("admin.shares.permission"), t("admin.shares.expires"), t("admin.shares.downloads"), t("admin.shares.status"), t("admin.shares.created"), ""]}
      >
        {shares.isLoading ? <EmptyRow colSpan={8}>{t("admin.common.loading")}</EmptyRow> : null}
        {shares.data?.items.length === 0 ? <EmptyRow colSpan={8}>{t("admin.shares.empty")}</EmptyRow> : null}
        {shares.data?.items.map((s) => (
          <tr key={s.id} data-testid="share-row">
            <td className="px-4 py-3">
              <div className="flex items-center gap-2.5">
                {s.target.kind === "FOLDER" ? <Folder className="size-4 shrink-0 text-sky-500" /> : <FileText className="size-4 shrink-0 text-zinc-400" />}
                <div className="min-w-0">
                  <div className="truncate font-medium">{s.target.name}</div>
                  <div className="truncate text-xs text-zinc-500">
                    <code>{s.tokenPrefix}…</code>
                    {s.label ? ` · ${s.label}` : ""}
                  </div>
                </div>
              </div>
            </td>
            <td className="px-4 py-3">
              <div className="truncate">{s.owner.name}</div>
              <div className="truncate text-xs text-zinc-500">{s.owner.email}</div>
            </td>
            <td className="px-4 py-3">
              <div className="flex flex-wrap items-center gap-1">
                <Badge tone="brand">{t(`admin.shares.perm.${s.permission}`)}</Badge>
                {s.hasPassword ? (
                  <Badge>
                    <Lock className="size-3" />
                    {t("admin.shares.passwordProtected")}
                  </Badge>
                ) : null}
              </div>
            </td>
            <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-500">{s.expiresAt ? dateOf(s.expiresAt) : t("admin.shares.noExpiry")}</td>
            <td className="px-4 py-3 tabular-nums">
              {s.downloadCount}
              {s.maxDownloads !== null ? <span className="text-zinc-500"> / {s.maxDownloads}</span> : null}
            </td>
            <td className="px-4 py-3">
              <Badge tone={stateTone[s.status]}>{t(`admin.shares.state.${s.status}`)}</Badge>
            </td>
            <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-500">{formatModified(s.createdAt, locale)}</td>
            <td className="px-4 py-3 text-right">
              {s.status !== "revoked" ? (
                <Button variant="ghost" aria-label={t("admin.shares.revokeNamed", { name: s.target.name })} onClick={() => setRevoking(s)}>
                  <Trash2 className="size-4" /> {t("admin.shares.revoke")}
                </Button>
              ) : null}
            </td>
          </tr>
        ))}
      </Table>
      {shares.data ? <Pager page={shares.data.page} pageSize={shares.data.pageSize} total={shares.data.total} onPage={setPage} /> : null}
      {revoking ? <RevokeDialog share={revoking} onClose={() => setRevoking(null)} /> : null}
    </div>
  );
}

function RevokeDialog({ share, onClose }: { share: Share; onClose: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const revoke = useMutation(trpc.admin.shares.revoke.mutationOptions());
  return (
    <ConfirmDialog
      title={t("admin.shares.revokeTitle", { name: share.target.name })}
      body={t("admin.shares.revokeBody")}
      confirmLabel={t("admin.shares.revoke")}
      cancelLabel={t("admin.common.cancel")}
      pending={revoke.isPending}
      onClose={onClose}
      onConfirm={() =>
        revoke
          .mutateAsync({ linkId: share.id })
          .then(async () => {
            toast("success", t("admin.shares.revoked_"));
            await queryClient.invalidateQueries({ queryKey: trpc.admin.shares.list.queryKey() });
            onClose();
          })
          .catch((e: Error) => toast("error", e.message))
      }
    />
  );
}
