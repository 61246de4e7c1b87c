"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Clock, FileX, ImageOff, RefreshCw } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { formatModified } from "@/components/drive/format";
import { Badge, Card, EmptyRow, PageHeader, Stat, Table } from "@/components/admin/admin-ui";
import { Button } from "@/components/ui/button";
import type { UiKey } from "@/components/i18n/translate";
import { describeReason } from "@/components/admin/unreadable-reason";

/** Admin → System: how far content indexing is, and which files could not be read and why. */
export function SearchIndexCard() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const state = useQuery({ ...trpc.search.indexState.queryOptions(), refetchInterval: 10_000 });
  const reindex = useMutation(trpc.search.reindex.mutationOptions());
  const [queued, setQueued] = useState<number | null>(null);
  const s = state.data;

  return (
    <section className="space-y-3" data-testid="search-index">
      <PageHeader
        title={t("contentSearch.indexTitle")}
        intro={t("contentSearch.indexIntro")}
        actions={
          <Button
            variant="secondary"
            disabled={reindex.isPending}
            onClick={async () => {
              const r = await reindex.mutateAsync({});
              setQueued(r.cleared);
              await queryClient.invalidateQueries({ queryKey: trpc.search.indexState.queryKey() });
            }}
          >
            <RefreshCw className="size-4" /> {t("contentSearch.reindexAll")}
          </Button>
        }
      />
      {queued !== null ? <p className="text-sm text-zinc-500" role="status">{t("contentSearch.reindexQueued", { count: queued })}</p> : null}
      {s ? (
        <>
          <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
            <Stat icon={<CircleCheck className="size-4" />} label={t("contentSearch.indexed")} value={s.indexed} tone="emerald" testId="search-indexed" />
            <Stat icon={<Clock className="size-4" />} label={t("contentSearch.pending")} value={s.pending} tone={s.pending ? "amber" : "zinc"} testId="search-pending" />
            <Stat icon={<FileX className="size-4" />} label={t("contentSearch.unreadable")} value={s.unreadable} tone={s.unreadable ? "red" : "zinc"} testId="search-unreadable" />
            <Stat icon={<ImageOff className="size-4" />} label={t("contentSearch.skipped")} value={s.skipped} />
          </div>
          <Card title={t("contentSearch.unreadableTitle")}>
            <Table head={[t("contentSearch.file"), t("contentSearch.owner"), t("contentSearch.reason"), t("contentSearch.when")]}>
              {s.unreadableFiles.length === 0 ? <EmptyRow colSpan={4}>{t("contentSearch.noUnreadable")}</EmptyRow> : null}
              {s.unreadableFiles.map((f) => {
                const { code: key, detail } = describeReason(f.reason, t);
                return (
                  <tr key={f.nodeId}>
                    <td className="max-w-64 truncate px-4 py-2.5" title={f.name}>{f.name}</td>
                    <td className="px-4 py-2.5 text-sm text-zinc-500">{f.ownerEmail}</td>
                    <td className="px-4 py-2.5">
                      <Badge tone="red">{key ? t(`contentSearch.reasons.${key}` as UiKey) : t("contentSearch.unreadable")}</Badge>
                      {detail ? <div className="mt-1 max-w-md truncate text-xs text-zinc-500" title={detail}>{detail}</div> : null}
                    </td>
                    <td className="px-4 py-2.5 text-sm text-zinc-500">{formatModified(f.indexedAt, locale)}</td>
                  </tr>
                );
              })}
            </Table>
          </Card>
        </>
      ) : null}
    </section>
  );
}
