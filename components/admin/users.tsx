"use client";
import { useEffect, useId, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowDown, ArrowUp, Copy, Gauge, KeyRound, Power, ShieldCheck, ShieldOff, Trash2, UserPlus } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { formatModified } from "@/components/drive/format";
import { formatBytes } from "@/server/i18n/messages";
import { Badge, EmptyRow, PageHeader, Pager, SearchInput, Table, UsageBar, selectClass } from "@/components/admin/admin-ui";
import { RowMenu } from "@/components/admin/row-menu";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type User = RouterOutputs["admin"]["users"]["list"]["items"][number];
type Sort = "createdAt" | "email" | "name" | "usedBytes" | "role";
type Pending = { kind: "quota" | "reset" | "disable" | "delete"; user: User } | { kind: "create" } | null;

export function AdminUsers() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const toast = useToast();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  const [sort, setSort] = useState<Sort>("createdAt");
  const [dir, setDir] = useState<"asc" | "desc">("desc");
  const [page, setPage] = useState(1);
  const [pending, setPending] = useState<Pending>(null);
  useEffect(() => {
    const id = setTimeout(() => {
      setDebounced(search.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(id);
  }, [search]);
  const input = { search: debounced || undefined, sort, dir, page, pageSize: 20 };
  const users = useQuery({ ...trpc.admin.users.list.queryOptions(input), placeholderData: keepPreviousData });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.list.queryKey() });
  const setRole = useMutation(trpc.admin.users.setRole.mutationOptions());
  const enable = useMutation(trpc.admin.users.enable.mutationOptions());

  const sortBy = (field: Sort) => {
    if (sort === field) setDir(dir === "asc" ? "desc" : "asc");
    else {
      setSort(field);
      setDir(field === "email" || field === "name" ? "asc" : "desc");
    }
    setPage(1);
  };
  const header = (field: Sort, label: string) => (
    <button onClick={() => sortBy(field)} className="inline-flex items-center gap-1 hover:text-zinc-800 dark:hover:text-zinc-200" aria-sort={sort === field ? (dir === "asc" ? "ascending" : "descending") : undefined}>
      {label}
      {sort === field ? dir === "asc" ? <ArrowUp className="size-3" /> : <ArrowDown className="size-3" /> : null}
    </button>
  );
  const fail = (e: unknown) => toast("error", (e as Error).message);
  const roleName = (role: "USER" | "ADMIN") => (role === "ADMIN" ? t("admin.users.admin") : t("admin.users.user"));

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("admin.users.title")}
        intro={t("admin.users.intro")}
        actions={
          <>
            <SearchInput value={search} onChange={setSearch} placeholder={t("admin.users.searchPlaceholder")} />
            <Button onClick={() => setPending({ kind: "create" })}>
              <UserPlus className="size-4" /> {t("admin.users.create")}
            </Button>
          </>
        }
      />
      <Table
        testId="users-table"
        head={[
          header("email", t("admin.users.email")),
          header("role", t("admin.users.role")),
          header("usedBytes", t("admin.users.used")),
          t("admin.users.status"),
          t("admin.users.lastSignIn"),
          header("createdAt", t("admin.users.created")),
          <span key="a" className="sr-only">{t("admin.common.actions")}</span>,
        ]}
      >
        {users.isLoading ? <EmptyRow colSpan={7}>{t("admin.common.loading")}</EmptyRow> : null}
        {users.data?.items.length === 0 ? <EmptyRow colSpan={7}>{t("admin.users.empty")}</EmptyRow> : null}
        {users.data?.items.map((u) => {
          const isMe = u.id === me.data?.id;
          return (
            <tr key={u.id} data-testid="user-row" data-email={u.email} className="hover:bg-zinc-50/60 dark:hover:bg-zinc-800/40">
              <td className="px-4 py-3">
                <div className="flex items-center gap-3">
                  <div className="flex size-8 shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-sky-400 to-indigo-500 text-xs font-semibold text-white">
                    {u.name.slice(0, 1).toUpperCase()}
                  </div>
                  <div className="min-w-0">
                    <div className="truncate font-medium">
                      {u.name} {isMe ? <span className="text-xs font-normal text-zinc-500">({t("admin.users.you")})</span> : null}
                    </div>
                    <div className="truncate text-xs text-zinc-500">{u.email}</div>
                  </div>
                </div>
              </td>
              <td className="px-4 py-3">{u.role === "ADMIN" ? <Badge tone="brand"><ShieldCheck className="size-3" />{t("admin.users.admin")}</Badge> : <Badge>{t("admin.users.user")}</Badge>}</td>
              <td className="px-4 py-3">
                <div className="space-y-1" data-testid="user-usage">
                  <div className="text-xs whitespace-nowrap">
                    <span className="font-medium">{formatBytes(u.usedBytes)}</span>{" "}
                    <span className="text-zinc-500">
                      {u.effectiveQuotaBytes !== null ? t("admin.users.ofQuota", { quota: formatBytes(u.effectiveQuotaBytes) }) : `· ${t("admin.users.unlimited")}`}
                      {u.quotaBytes === null && u.effectiveQuotaBytes !== null ? ` (${t("admin.users.defaultQuota")})` : ""}
                    </span>
                  </div>
                  <UsageBar used={u.usedBytes} quota={u.effectiveQuotaBytes} />
                  <div className="text-xs text-zinc-500">{t("admin.users.files", { count: u.files })}</div>
                </div>
              </td>
              <td className="px-4 py-3">
                {u.deletionRequestedAt ? (
                  <Badge tone="red">{t("admin.users.deleting")}</Badge>
                ) : u.disabledAt ? (
                  <Badge tone="amber">{t("admin.users.disabled")}</Badge>
                ) : (
                  <Badge tone="emerald">{t("admin.users.active")}</Badge>
                )}
              </td>
              <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-500">{u.lastSignInAt ? formatModified(u.lastSignInAt, locale) : t("admin.common.never")}</td>
              <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-500">{formatModified(u.createdAt, locale)}</td>
              <td className="px-4 py-3 text-right">
                {u.deletionRequestedAt ? null : (
                  <RowMenu
                    label={t("admin.users.moreFor", { email: u.email })}
                    items={[
                      { label: t("admin.users.setQuota"), icon: <Gauge className="size-4" />, onSelect: () => setPending({ kind: "quota", user: u }) },
                      ...(isMe
                        ? []
                        : [
                            {
                              label: u.role === "ADMIN" ? t("admin.users.makeUser") : t("admin.users.makeAdmin"),
                              icon: u.role === "ADMIN" ? <ShieldOff className="size-4" /> : <ShieldCheck className="size-4" />,
                              onSelect: () => {
                                const role = u.role === "ADMIN" ? "USER" : "ADMIN";
                                setRole
                                  .mutateAsync({ userId: u.id, role })
                                  .then(() => (toast("success", t("admin.users.roleSaved", { email: u.email, role: roleName(role) })), refresh()))
                                  .catch(fail);
                              },
                            },
                          ]),
                      { label: t("admin.users.resetPassword"), icon: <KeyRound className="size-4" />, onSelect: () => setPending({ kind: "reset", user: u }) },
                      ...(isMe
                        ? []
                        : [
                            u.disabledAt
                              ? {
                                  label: t("admin.users.enable"),
                                  icon: <Power className="size-4" />,
                                  onSelect: () => {
                                    enable
                                      .mutateAsync({ userId: u.id })
                                      .then(() => (toast("success", t("admin.users.enabledToast", { email: u.email })), refresh()))
                                      .catch(fail);
                                  },
                                }
                              : { label: t("admin.users.disable"), icon: <Power className="size-4" />, onSelect: () => setPending({ kind: "disable", user: u }) },
                            { label: t("admin.users.delete"), icon: <Trash2 className="size-4" />, danger: true, onSelect: () => setPending({ kind: "delete", user: u }) },
                          ]),
                    ]}
                  />
                )}
              </td>
            </tr>
          );
        })}
      </Table>
      {users.data ? <Pager page={users.data.page} pageSize={users.data.pageSize} total={users.data.total} onPage={setPage} /> : null}

      {pending?.kind === "create" ? <CreateUserDialog onClose={() => setPending(null)} onDone={refresh} /> : null}
      {pending?.kind === "quota" ? <QuotaDialog user={pending.user} onClose={() => setPending(null)} onDone={refresh} /> : null}
      {pending?.kind === "reset" ? <ResetPasswordDialog user={pending.user} onClose={() => setPending(null)} /> : null}
      {pending?.kind === "disable" ? <DisableDialog user={pending.user} onClose={() => setPending(null)} onDone={refresh} /> : null}
      {pending?.kind === "delete" ? <DeleteDialog user={pending.user} onClose={() => setPending(null)} onDone={refresh} /> : null}
    </div>
  );
}

function DialogTitle({ id, children }: { id: string; children: React.ReactNode }) {
  return (
    <h2 id={id} className="text-lg font-semibold">
      {children}
    </h2>
  );
}

function CreateUserDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const id = useId();
  const create = useMutation(trpc.admin.users.create.mutationOptions());
  const [form, setForm] = useState({ email: "", name: "", password: "", admin: false });
  const [errors, setErrors] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setErrors(null);
    setError(null);
    try {
      const user = await create.mutateAsync({ email: form.email, name: form.name || undefined, password: form.password, role: form.admin ? "ADMIN" : "USER" });
      toast("success", t("admin.users.created_", { email: user.email }));
      onDone();
      onClose();
    } catch (err) {
      const data = (err as { data?: { fieldErrors?: Record<string, string> | null } }).data;
      if (data?.fieldErrors) setErrors(data.fieldErrors);
      else setError((err as Error).message);
    }
  }
  return (
    <Dialog labelledBy={id} onClose={onClose} size="md">
      <form onSubmit={submit} className="space-y-4">
        <DialogTitle id={id}>{t("admin.users.createTitle")}</DialogTitle>
        <Field label={t("admin.users.email")} type="email" required value={form.email} error={errors?.email} onChange={(e) => setForm({ ...form, email: e.target.value })} autoFocus />
        <Field label={t("admin.users.name")} value={form.name} error={errors?.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <Field label={t("admin.users.password")} type="text" autoComplete="new-password" required value={form.password} error={errors?.password} hint={t("admin.users.passwordHint")} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={form.admin} onChange={(e) => setForm({ ...form, admin: e.target.checked })} className="size-4 rounded accent-brand-600" />
          {t("admin.users.createAsAdmin")}
        </label>
        {error ? <p className="text-sm text-red-600 dark:text-red-400">{error}</p> : null}
        <div className="flex justify-end gap-2 pt-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("admin.common.cancel")}
          </Button>
          <Button type="submit" disabled={create.isPending}>
            {t("admin.users.create")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

const UNITS = { MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 } as const;

function QuotaDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const id = useId();
  const setQuota = useMutation(trpc.admin.users.setQuota.mutationOptions());
  const initialUnit = user.quotaBytes !== null && user.quotaBytes < UNITS.GB ? "MB" : user.quotaBytes !== null && user.quotaBytes >= UNITS.TB ? "TB" : "GB";
  const [mode, setMode] = useState<"default" | "custom">(user.quotaBytes === null ? "default" : "custom");
  const [unit, setUnit] = useState<keyof typeof UNITS>(initialUnit);
  const [amount, setAmount] = useState(user.quotaBytes === null ? "10" : String(+(user.quotaBytes / UNITS[initialUnit]).toFixed(2)));
  const [error, setError] = useState<string | null>(null);
  const defaultLabel = user.quotaBytes === null ? user.effectiveQuotaBytes : null;
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const bytes = mode === "default" ? null : Math.round(Number(amount) * UNITS[unit]);
    if (bytes !== null && (!Number.isFinite(bytes) || bytes < 0)) return setError(t("admin.users.quotaAmount"));
    try {
      await setQuota.mutateAsync({ userId: user.id, quotaBytes: bytes });
      toast("success", t("admin.users.quotaSaved", { email: user.email, quota: bytes === null ? t("admin.users.defaultQuota") : formatBytes(bytes) }));
      onDone();
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <Dialog labelledBy={id} onClose={onClose} size="md">
      <form onSubmit={submit} className="space-y-4">
        <div>
          <DialogTitle id={id}>{t("admin.users.quotaTitle", { email: user.email })}</DialogTitle>
          <p className="mt-1 text-sm text-zinc-500">{t("admin.users.quotaIntro", { used: formatBytes(user.usedBytes) })}</p>
        </div>
        <fieldset className="space-y-2">
          <legend className="sr-only">{t("admin.users.quotaMode")}</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="mode" checked={mode === "default"} onChange={() => setMode("default")} className="accent-brand-600" />
            {t("admin.users.quotaUseDefault", { value: defaultLabel !== null ? formatBytes(defaultLabel ?? 0) : user.quotaBytes === null ? t("admin.users.unlimited") : t("admin.users.defaultQuota") })}
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="mode" checked={mode === "custom"} onChange={() => setMode("custom")} className="accent-brand-600" />
            {t("admin.users.quotaCustom")}
          </label>
        </fieldset>
        {mode === "custom" ? (
          <div className="flex items-end gap-2">
            <div className="flex-1">
              <Field label={t("admin.users.quotaAmount")} type="number" min={0} step="any" required value={amount} onChange={(e) => setAmount(e.target.value)} />
            </div>
            <label className="text-sm">
              <span className="sr-only">{t("admin.users.quotaUnit")}</span>
              <select aria-label={t("admin.users.quotaUnit")} value={unit} onChange={(e) => setUnit(e.target.value as keyof typeof UNITS)} className={selectClass}>
                {Object.keys(UNITS).map((u) => (
                  <option key={u} value={u}>
                    {u.replace("B", "iB")}
                  </option>
                ))}
              </select>
            </label>
          </div>
        ) : null}
        {error ? <p className="text-sm text-red-600 dark:text-red-400">{error}</p> : null}
        <div className="flex justify-end gap-2 pt-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("admin.common.cancel")}
          </Button>
          <Button type="submit" disabled={setQuota.isPending}>
            {t("admin.common.save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const id = useId();
  const reset = useMutation(trpc.admin.users.resetPassword.mutationOptions());
  const [password, setPassword] = useState<string | null>(null);
  return (
    <Dialog labelledBy={id} onClose={onClose} role="alertdialog" size="md">
      {password ? (
        <div className="space-y-4">
          <DialogTitle id={id}>{t("admin.users.resetDone", { email: user.email })}</DialogTitle>
          <div className="flex items-center gap-2">
            <code data-testid="new-password" className="flex-1 overflow-x-auto rounded-lg bg-zinc-100 px-3 py-2 font-mono text-sm dark:bg-zinc-800">
              {password}
            </code>
            <Button variant="secondary" onClick={() => (void navigator.clipboard?.writeText(password), toast("success", t("admin.common.copied")))}>
              <Copy className="size-4" /> {t("admin.common.copy")}
            </Button>
          </div>
          <p className="text-sm text-zinc-500">{t("admin.users.resetShowOnce")}</p>
          <div className="flex justify-end">
            <Button onClick={onClose}>{t("admin.common.close")}</Button>
          </div>
        </div>
      ) : (
        <div className="space-y-4">
          <DialogTitle id={id}>{t("admin.users.resetTitle", { email: user.email })}</DialogTitle>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{t("admin.users.resetBody")}</p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose}>
              {t("admin.common.cancel")}
            </Button>
            <Button
              disabled={reset.isPending}
              onClick={() =>
                reset
                  .mutateAsync({ userId: user.id })
                  .then((r) => setPassword(r.password))
                  .catch((e: Error) => toast("error", e.message))
              }
            >
              {t("admin.users.resetPassword")}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

function DisableDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const disable = useMutation(trpc.admin.users.disable.mutationOptions());
  return (
    <ConfirmDialog
      title={t("admin.users.disableTitle", { email: user.email })}
      body={t("admin.users.disableBody")}
      confirmLabel={t("admin.users.disable")}
      cancelLabel={t("admin.common.cancel")}
      pending={disable.isPending}
      onClose={onClose}
      onConfirm={() =>
        disable
          .mutateAsync({ userId: user.id })
          .then(() => (toast("success", t("admin.users.disabledToast", { email: user.email })), onDone(), onClose()))
          .catch((e: Error) => toast("error", e.message))
      }
    />
  );
}

function DeleteDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const id = useId();
  const del = useMutation(trpc.admin.users.delete.mutationOptions());
  const [typed, setTyped] = useState("");
  const matches = typed.trim().toLowerCase() === user.email;
  return (
    <Dialog labelledBy={id} onClose={onClose} role="alertdialog" size="md">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!matches) return;
          del
            .mutateAsync({ userId: user.id, confirmEmail: typed })
            .then(() => (toast("success", t("admin.users.deleteQueued", { email: user.email })), onDone(), onClose()))
            .catch((err: Error) => toast("error", err.message));
        }}
      >
        <DialogTitle id={id}>{t("admin.users.deleteTitle", { email: user.email })}</DialogTitle>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{t("admin.users.deleteBody")}</p>
        <Field label={t("admin.users.deleteConfirm", { email: user.email })} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" autoFocus />
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("admin.common.cancel")}
          </Button>
          <Button type="submit" variant="danger" disabled={!matches || del.isPending}>
            <Trash2 className="size-4" /> {t("admin.users.delete")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
