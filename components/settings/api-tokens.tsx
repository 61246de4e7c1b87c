"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, KeyRound, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/components/trpc/client";
import { useToast } from "@/components/ui/toast";
import { formatModified } from "@/components/drive/format";
import { useLocale, useT } from "@/components/i18n/i18n-provider";

export function ApiTokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const tokens = useQuery(trpc.auth.tokens.list.queryOptions());
  const create = useMutation(trpc.auth.tokens.create.mutationOptions());
  const revoke = useMutation(trpc.auth.tokens.revoke.mutationOptions());
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<string | null>(null);
  const t = useT();
  const locale = useLocale();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.tokens.list.queryKey() });

  async function onCreate(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const { token } = await create.mutateAsync({ name });
      setFresh(token);
      setName("");
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="space-y-5">
      <form onSubmit={onCreate} className="flex max-w-md gap-2">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t("settings.tokenPlaceholder")}
          aria-label={t("settings.tokenName")}
          className="block flex-1 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <Button type="submit" disabled={create.isPending}>
          {t("settings.createToken")}
        </Button>
      </form>
      {error ? <p className="text-sm text-red-600 dark:text-red-400">{error}</p> : null}
      {fresh ? (
        <div className="max-w-2xl rounded-xl border border-emerald-200 bg-emerald-50 p-4 dark:border-emerald-900 dark:bg-emerald-950/40">
          <p className="text-sm font-medium text-emerald-800 dark:text-emerald-200">{t("settings.copyNow")}</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-token" className="flex-1 overflow-x-auto rounded-md bg-white px-3 py-2 font-mono text-xs dark:bg-zinc-900">
              {fresh}
            </code>
            <Button
              variant="secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(fresh);
                toast("success", t("settings.copied"));
              }}
            >
              <Copy className="size-4" /> {t("settings.copy")}
            </Button>
          </div>
          <p className="mt-2 text-xs text-emerald-700 dark:text-emerald-300">
            {t("settings.tokenUsage")}
          </p>
        </div>
      ) : null}
      <ul className="max-w-2xl divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
        {tokens.data?.length === 0 ? <li className="px-4 py-6 text-center text-sm text-zinc-500">{t("settings.noTokens")}</li> : null}
        {tokens.data?.map((tok) => (
          <li key={tok.id} className="flex items-center gap-3 px-4 py-3" data-testid="token-row">
            <KeyRound className="size-4 text-zinc-400" />
            <div className="min-w-0 flex-1">
              <div className="truncate text-sm font-medium">{tok.name}</div>
              <div className="text-xs text-zinc-500">
                <code>{tok.prefix}…</code> · {t("settings.created", { when: formatModified(tok.createdAt, locale) })} ·{" "}
                {tok.lastUsedAt ? t("settings.lastUsed", { when: formatModified(tok.lastUsedAt, locale) }) : t("settings.neverUsed")}
              </div>
            </div>
            <Button
              variant="ghost"
              aria-label={t("settings.revokeNamed", { name: tok.name })}
              onClick={async () => {
                await revoke.mutateAsync({ tokenId: tok.id });
                await refresh();
                toast("success", t("settings.revoked", { name: tok.name }));
              }}
            >
              <Trash2 className="size-4" /> {t("settings.revoke")}
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
