"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, Copy, KeyRound, Plus, Trash2 } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { formatModified } from "@/components/drive/format";
import { Badge, Card, EmptyRow, PageHeader, Table } from "@/components/admin/admin-ui";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type Token = RouterOutputs["admin"]["scim"]["tokens"][number];

/** A value to paste elsewhere, with a copy button that says it worked. */
function CopyField({ value, testId }: { value: string; testId: string }) {
  const t = useT();
  const toast = useToast();
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex min-w-0 items-center gap-2">
      <code data-testid={testId} className="min-w-0 flex-1 truncate rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs text-zinc-800 select-all dark:border-zinc-700 dark:bg-zinc-950/60 dark:text-zinc-200">
        {value}
      </code>
      <Button
        variant="secondary"
        onClick={() => {
          void navigator.clipboard?.writeText(value);
          setCopied(true);
          toast("success", t("adminScim.copied"));
        }}
      >
        {copied ? <Check className="size-4" /> : <Copy className="size-4" />} {t("adminScim.copy")}
      </Button>
    </div>
  );
}

export function AdminScim({ baseUrl }: { baseUrl: string }) {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const toast = useToast();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.admin.scim.tokens.queryOptions());
  const create = useMutation(trpc.admin.scim.createToken.mutationOptions());
  const revoke = useMutation(trpc.admin.scim.revokeToken.mutationOptions());
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.scim.tokens.queryKey() });

  const onCreate = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const { token, scimToken } = await create.mutateAsync({ name });
      setFresh({ name: scimToken.name, token });
      setName("");
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const onRevoke = async (tok: Token) => {
    try {
      await revoke.mutateAsync({ tokenId: tok.id });
      toast("success", t("adminScim.revokedToast", { name: tok.name }));
      if (fresh?.name === tok.name) setFresh(null);
      await refresh();
    } catch (err) {
      toast("error", (err as Error).message);
    } finally {
      setRevoking(null);
    }
  };

  return (
    <div className="space-y-6" data-testid="admin-scim">
      <PageHeader title={t("adminScim.title")} intro={t("adminScim.intro")} />
      <Card title={t("adminScim.setupTitle")} subtitle={t("adminScim.setupSubtitle")}>
        <dl className="grid gap-5 md:grid-cols-[minmax(0,2fr)_minmax(0,3fr)] md:gap-x-8">
          <dt>
            <div className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{t("adminScim.baseUrl")}</div>
            <p className="mt-1 text-xs text-zinc-500">{t("adminScim.baseUrlHint")}</p>
          </dt>
          <dd className="min-w-0">
            <CopyField value={baseUrl} testId="scim-base-url" />
          </dd>
          <dt>
            <div className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{t("adminScim.secretLabel")}</div>
            <p className="mt-1 text-xs text-zinc-500">{t("adminScim.secretHint")}</p>
          </dt>
          <dd className="min-w-0 space-y-3">
            <form onSubmit={(e) => void onCreate(e)} className="flex flex-wrap gap-2">
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder={t("adminScim.namePlaceholder")}
                aria-label={t("adminScim.nameLabel")}
                maxLength={120}
                data-testid="scim-token-name"
                className="block min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900"
              />
              <Button type="submit" disabled={create.isPending} data-testid="scim-token-create">
                <Plus className="size-4" /> {create.isPending ? t("adminScim.creating") : t("adminScim.create")}
              </Button>
            </form>
            {error ? (
              <p role="alert" className="text-sm text-red-600 dark:text-red-400">
                {error}
              </p>
            ) : null}
            {fresh ? (
              <div className="rounded-xl border border-emerald-200 bg-emerald-50 p-4 dark:border-emerald-500/30 dark:bg-emerald-500/10" data-testid="scim-fresh-token">
                <p className="text-sm font-medium text-emerald-800 dark:text-emerald-200">{t("adminScim.copyNow")}</p>
                <div className="mt-2">
                  <CopyField value={fresh.token} testId="scim-new-token" />
                </div>
                <div className="mt-3 flex justify-end">
                  <Button variant="ghost" onClick={() => setFresh(null)}>
                    {t("adminScim.done")}
                  </Button>
                </div>
              </div>
            ) : null}
          </dd>
        </dl>
      </Card>
      <Card title={t("adminScim.tokensTitle")} subtitle={t("adminScim.tokensSubtitle")}>
        <Table testId="scim-tokens" head={[t("adminScim.colName"), t("adminScim.colCreated"), t("adminScim.colLastUsed"), t("adminScim.colStatus"), ""]} widths={["", "w-44", "w-44", "w-28", "w-32"]}>
          {tokens.data?.length === 0 ? <EmptyRow colSpan={5}>{t("adminScim.none")}</EmptyRow> : null}
          {tokens.data?.map((tok) => (
            <tr key={tok.id} data-testid="scim-token-row" className={tok.revokedAt ? "text-zinc-400 dark:text-zinc-500" : undefined}>
              <td className="px-4 py-3">
                <div className="flex min-w-0 items-center gap-2">
                  <KeyRound className="size-4 shrink-0 text-zinc-400" />
                  <div className="min-w-0">
                    <div className="truncate font-medium">{tok.name}</div>
                    <code className="text-xs text-zinc-500">{tok.prefix}…</code>
                  </div>
                </div>
              </td>
              <td className="px-4 py-3 whitespace-nowrap">{formatModified(tok.createdAt, locale)}</td>
              <td className="px-4 py-3 whitespace-nowrap">{tok.lastUsedAt ? formatModified(tok.lastUsedAt, locale) : t("adminScim.never")}</td>
              <td className="px-4 py-3">{tok.revokedAt ? <Badge tone="red">{t("adminScim.revoked")}</Badge> : <Badge tone="emerald">{t("adminScim.active")}</Badge>}</td>
              <td className="px-4 py-3 text-right">
                {tok.revokedAt ? null : (
                  <Button variant="ghost" aria-label={t("adminScim.revokeNamed", { name: tok.name })} onClick={() => setRevoking(tok)}>
                    <Trash2 className="size-4" /> {t("adminScim.revoke")}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      </Card>
      {revoking ? (
        <ConfirmDialog
          title={t("adminScim.revokeTitle", { name: revoking.name })}
          body={t("adminScim.revokeBody")}
          confirmLabel={t("adminScim.revokeConfirm")}
          cancelLabel={t("adminScim.cancel")}
          pending={revoke.isPending}
          onConfirm={() => void onRevoke(revoking)}
          onClose={() => setRevoking(null)}
        />
      ) : null}
    </div>
  );
}
