"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, Folder, Send, Trash2, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/components/trpc/client";
import { useToast } from "@/components/ui/toast";
import { formatModified } from "@/components/drive/format";
import { FolderPickerDialog } from "@/components/drive/folder-picker-dialog";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { CHANGE_KINDS } from "@/server/events/change-kinds";

const input =
  "block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900";

const badge: Record<string, string> = {
  ACTIVE: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950/50 dark:text-emerald-300",
  FAILING: "bg-red-50 text-red-700 dark:bg-red-950/50 dark:text-red-300",
  DISABLED: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
};

/**
 * Settings → Integrations: one's own webhooks, the secret shown once, the delivery log.
 * `admin`: Admin → Webhooks, every user's hooks (no create form; the owner is shown).
 */
export function Webhooks({ admin = false }: { admin?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const t = useT();
  const hooks = useQuery(trpc.webhooks.list.queryOptions({ admin }));
  const create = useMutation(trpc.webhooks.create.mutationOptions());
  const update = useMutation(trpc.webhooks.update.mutationOptions());
  const remove = useMutation(trpc.webhooks.delete.mutationOptions());
  const [url, setUrl] = useState("");
  const [kinds, setKinds] = useState<string[]>(["file.uploaded"]);
  /** The folder filter, picked in the drive's folder picker; null: all my files. */
  const [folder, setFolder] = useState<{ id: string; path: string } | null>(null);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey({ admin }) });

  async function onCreate(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const res = await create.mutateAsync({ url, kinds, folderId: folder?.id ?? null });
      setSecret(res.secret);
      setUrl("");
      setFolder(null);
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="space-y-5">
      {admin ? null : (
      <form onSubmit={onCreate} className="max-w-2xl space-y-3 rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <label className="block text-sm font-medium">
          {t("webhooks.url")}
          <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/yunpan" className={`mt-1 ${input}`} />
        </label>
        <fieldset>
          <legend className="text-sm font-medium">{t("webhooks.kinds")}</legend>
          <div className="mt-1 grid grid-cols-2 gap-1 sm:grid-cols-3">
            {CHANGE_KINDS.map((k) => (
              <label key={k} className="flex items-center gap-2 font-mono text-xs">
                <input type="checkbox" checked={kinds.includes(k)} onChange={(e) => setKinds((v) => (e.target.checked ? [...v, k] : v.filter((x) => x !== k)))} />
                {k}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <span className="text-sm font-medium">{t("webhooks.folder")}</span>
          <div className="mt-1 flex items-center gap-2">
            <span data-testid="webhook-folder" className="flex min-w-0 flex-1 items-center gap-2 rounded-lg border border-zinc-300 bg-zinc-50 px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-950/60">
              <Folder className="size-4 shrink-0 fill-sky-400/30 text-sky-500" />
              <span className={`truncate ${folder ? "" : "text-zinc-500"}`} title={folder?.path}>
                {folder ? folder.path : t("webhooks.allFiles")}
              </span>
            </span>
            <Button type="button" variant="secondary" onClick={() => setPicking(true)}>
              {t("webhooks.chooseFolder")}
            </Button>
            {folder ? (
              <Button type="button" variant="ghost" aria-label={t("webhooks.clearFolder")} title={t("webhooks.clearFolder")} onClick={() => setFolder(null)}>
                <X className="size-4" />
              </Button>
            ) : null}
          </div>
        </div>
        {error ? <p className="text-sm text-red-600 dark:text-red-400">{error}</p> : null}
        <Button type="submit" disabled={create.isPending}>
          {t("webhooks.create")}
        </Button>
      </form>
      )}
      {picking ? (
        <FolderPickerDialog
          title={t("webhooks.pickTitle")}
          submitLabel={t("webhooks.pickHere")}
          excludeIds={[]}
          startFolderId={folder?.id ?? null}
          onClose={() => setPicking(false)}
          onSubmit={async (id, path) => setFolder(path.length ? { id, path: path.join(" / ") } : null)}
        />
      ) : null}
      {secret ? (
        <div className="max-w-2xl rounded-xl border border-emerald-200 bg-emerald-50 p-4 dark:border-emerald-900 dark:bg-emerald-950/40">
          <p className="text-sm font-medium text-emerald-800 dark:text-emerald-200">{t("webhooks.secretOnce")}</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="webhook-secret" className="flex-1 overflow-x-auto rounded-md bg-white px-3 py-2 font-mono text-xs dark:bg-zinc-900">
              {secret}
            </code>
            <Button
              variant="secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(secret);
                toast("success", t("settings.copied"));
              }}
            >
              <Copy className="size-4" /> {t("settings.copy")}
            </Button>
          </div>
        </div>
      ) : null}
      <ul className="max-w-2xl divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
        {hooks.data?.length === 0 ? <li className="px-4 py-6 text-center text-sm text-zinc-500">{t("webhooks.none")}</li> : null}
        {hooks.data?.map((h) => (
          <li key={h.id} className="space-y-2 px-4 py-3" data-testid="webhook-row">
            <div className="flex items-center gap-3">
              <button className="min-w-0 flex-1 truncate text-left font-mono text-sm" onClick={() => setOpen(open === h.id ? null : h.id)}>
                {h.url}
              </button>
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${badge[h.state]}`}>{t(`webhooks.state${h.state}`)}</span>
              <Button
                variant="secondary"
                onClick={async () => {
                  await update.mutateAsync({ id: h.id, active: h.state === "DISABLED", admin });
                  await refresh();
                }}
              >
                {h.state === "DISABLED" ? t("webhooks.enable") : t("webhooks.disable")}
              </Button>
              <Button
                variant="secondary"
                aria-label={t("webhooks.delete")}
                onClick={async () => {
                  await remove.mutateAsync({ id: h.id, admin });
                  await refresh();
                }}
              >
                <Trash2 className="size-4" />
              </Button>
            </div>
            <p className="font-mono text-xs text-zinc-500">
              {admin ? `${h.ownerEmail} · ${h.scope} · ` : ""}
              {h.kinds.join(", ")}
            </p>
            {h.folderId ? (
              <p className="flex items-center gap-1.5 text-xs text-zinc-500" data-testid="webhook-row-folder">
                <Folder className="size-3.5 shrink-0 fill-sky-400/30 text-sky-500" />
                <span className="truncate">{t("webhooks.onlyIn", { name: h.folderName ?? t("webhooks.folderGone") })}</span>
              </p>
            ) : null}
            {open === h.id ? <DeliveryLog hookId={h.id} admin={admin} /> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function DeliveryLog({ hookId, admin }: { hookId: string; admin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const t = useT();
  const locale = useLocale();
  const log = useQuery(trpc.webhooks.deliveries.queryOptions({ id: hookId, admin }));
  const test = useMutation(trpc.webhooks.test.mutationOptions());
  const again = useMutation(trpc.webhooks.redeliver.mutationOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey({ id: hookId, admin }) });
  return (
    <div className="space-y-2 rounded-lg bg-zinc-50 p-3 dark:bg-zinc-950/60">
      <div className="flex items-center justify-between">
        <h3 className="text-sm font-medium">{t("webhooks.deliveries")}</h3>
        <Button
          variant="secondary"
          onClick={async () => {
            await test.mutateAsync({ id: hookId, admin });
            toast("success", t("webhooks.testQueued"));
            setTimeout(() => void refresh(), 1500);
          }}
        >
          <Send className="size-4" /> {t("webhooks.sendTest")}
        </Button>
      </div>
      {log.data?.length === 0 ? <p className="text-sm text-zinc-500">{t("webhooks.noDeliveries")}</p> : null}
      <ul className="space-y-1 text-xs" data-testid="delivery-log">
        {log.data?.map((d) => (
          <li key={d.id} className="rounded-md border border-zinc-200 bg-white p-2 dark:border-zinc-800 dark:bg-zinc-900">
            <div className="flex items-center gap-2">
              <span className={`rounded px-1.5 font-medium ${d.status === "DELIVERED" ? badge.ACTIVE : d.status === "FAILED" ? badge.FAILING : badge.DISABLED}`}>{d.httpStatus ?? d.status}</span>
              <span className="font-mono">{d.kind}</span>
              <span className="text-zinc-500">{t("webhooks.attempts", { n: d.attempts })}</span>
              {d.latencyMs !== null ? <span className="text-zinc-500">{d.latencyMs} ms</span> : null}
              <span className="ml-auto text-zinc-500">{formatModified(d.createdAt, locale)}</span>
              <button
                className="text-brand-600 hover:underline dark:text-brand-400"
                onClick={async () => {
                  await again.mutateAsync({ deliveryId: d.id, admin });
                  toast("success", t("webhooks.redeliverQueued"));
                  setTimeout(() => void refresh(), 1500);
                }}
              >
                {t("webhooks.redeliver")}
              </button>
            </div>
            {d.error || d.response ? <pre className="mt-1 max-h-24 overflow-auto whitespace-pre-wrap break-all text-zinc-500">{d.error ?? d.response}</pre> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
