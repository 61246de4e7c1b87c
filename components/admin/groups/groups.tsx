"use client";
import { useEffect, useId, useState } from "react";
import clsx from "clsx";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2, UserMinus, UserPlus, UsersRound } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { formatModified } from "@/components/drive/format";
import { Badge, Card, EmptyRow, PageHeader, Pager, SearchInput, Table } from "@/components/admin/admin-ui";
import { RowMenu } from "@/components/admin/row-menu";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type Group = RouterOutputs["admin"]["groups"]["list"]["items"][number];
type Pending = { kind: "create" } | { kind: "rename" | "delete"; group: Group } | null;

/** Waits `ms` after the last keystroke, so a search runs once per pause, not per letter. */
function useDebounced(value: string, ms = 250): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(value.trim()), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return debounced;
}

function SourceBadge({ source }: { source: Group["source"] }) {
  const t = useT();
  if (source === "oidc") return <Badge tone="brand">{t("groups.sourceOidc")}</Badge>;
  if (source === "scim") return <Badge tone="amber">{t("groups.sourceScim")}</Badge>;
  return <Badge>{t("groups.sourceLocal")}</Badge>;
}

function Avatar({ name, small }: { name: string; small?: boolean }) {
  return (
    <div
      className={clsx(
        "flex shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-sky-400 to-indigo-500 font-semibold text-white",
        small ? "size-7 text-[11px]" : "size-8 text-xs",
      )}
    >
      {name.slice(0, 1).toUpperCase()}
    </div>
  );
}

export function AdminGroups() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const debounced = useDebounced(search);
  const [page, setPage] = useState(1);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  useEffect(() => setPage(1), [debounced]);
  const groups = useQuery({ ...trpc.admin.groups.list.queryOptions({ search: debounced || undefined, page, pageSize: 20 }), placeholderData: keepPreviousData });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.groups.pathKey() });
  const selected = groups.data?.items.find((g) => g.id === selectedId) ?? null;
  const memberLabel = (n: number) => (n === 1 ? t("groups.memberCountOne") : t("groups.memberCount", { count: n }));

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("groups.title")}
        intro={t("groups.intro")}
        actions={
          <>
            <SearchInput value={search} onChange={setSearch} placeholder={t("groups.searchPlaceholder")} />
            <Button onClick={() => setPending({ kind: "create" })}>
              <Plus className="size-4" /> {t("groups.create")}
            </Button>
          </>
        }
      />
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="space-y-3">
          <Table
            testId="groups-table"
            widths={["", "w-36", "w-32", "w-36", "w-14"]}
            head={[t("groups.name"), t("groups.source"), t("groups.members"), t("groups.created"), <span key="a" className="sr-only">{t("admin.common.actions")}</span>]}
          >
            {groups.isLoading ? <EmptyRow colSpan={5}>{t("admin.common.loading")}</EmptyRow> : null}
            {groups.data?.items.length === 0 ? <EmptyRow colSpan={5}>{debounced ? t("groups.noMatch", { search: debounced }) : t("groups.empty")}</EmptyRow> : null}
            {groups.data?.items.map((g) => (
              <tr
                key={g.id}
                data-testid="group-row"
                data-name={g.name}
                aria-selected={g.id === selectedId}
                onClick={() => setSelectedId(g.id)}
                className={clsx("cursor-pointer", g.id === selectedId ? "bg-brand-50/70 dark:bg-brand-500/10" : "hover:bg-zinc-50/60 dark:hover:bg-zinc-800/40")}
              >
                <td className="px-4 py-3">
                  <button type="button" className="flex max-w-full min-w-0 items-center gap-3 text-left" onClick={() => setSelectedId(g.id)}>
                    <span className="flex size-8 shrink-0 items-center justify-center rounded-xl bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100">
                      <UsersRound className="size-4" />
                    </span>
                    <span className="truncate font-medium">{g.name}</span>
                  </button>
                </td>
                <td className="px-4 py-3">
                  <SourceBadge source={g.source} />
                </td>
                <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-600 tabular-nums dark:text-zinc-400" data-testid="group-members">
                  {memberLabel(g.memberCount)}
                </td>
                <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-500">{formatModified(g.createdAt, locale)}</td>
                <td className="px-4 py-3 text-right" onClick={(e) => e.stopPropagation()}>
                  <RowMenu
                    label={t("groups.moreFor", { name: g.name })}
                    items={[
                      { label: t("groups.rename"), icon: <Pencil className="size-4" />, onSelect: () => setPending({ kind: "rename", group: g }) },
                      { label: t("groups.delete"), icon: <Trash2 className="size-4" />, danger: true, onSelect: () => setPending({ kind: "delete", group: g }) },
                    ]}
                  />
                </td>
              </tr>
            ))}
          </Table>
          {groups.data ? <Pager page={groups.data.page} pageSize={groups.data.pageSize} total={groups.data.total} onPage={setPage} /> : null}
        </div>
        {selected ? (
          <MembersPanel key={selected.id} group={selected} onChanged={refresh} />
        ) : (
          <Card className="lg:sticky lg:top-4">
            <div className="flex flex-col items-center gap-3 py-8 text-center text-sm text-zinc-500">
              <span className="flex size-11 items-center justify-center rounded-2xl bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
                <UsersRound className="size-5" />
              </span>
              {t("groups.select")}
            </div>
          </Card>
        )}
      </div>

      {pending?.kind === "create" ? <NameDialog mode="create" onClose={() => setPending(null)} onDone={(g) => (setSelectedId(g.id), refresh())} /> : null}
      {pending?.kind === "rename" ? <NameDialog mode="rename" group={pending.group} onClose={() => setPending(null)} onDone={refresh} /> : null}
      {pending?.kind === "delete" ? (
        <DeleteGroupDialog group={pending.group} onClose={() => setPending(null)} onDone={() => (pending.group.id === selectedId && setSelectedId(null), refresh())} />
      ) : null}
    </div>
  );
}

function NameDialog({ mode, group, onClose, onDone }: { mode: "create" | "rename"; group?: Group; onClose: () => void; onDone: (g: { id: string }) => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const id = useId();
  const create = useMutation(trpc.admin.groups.create.mutationOptions());
  const rename = useMutation(trpc.admin.groups.rename.mutationOptions());
  const [name, setName] = useState(group?.name ?? "");
  const [error, setError] = useState<string | null>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const saved = mode === "create" ? await create.mutateAsync({ name }) : await rename.mutateAsync({ groupId: group!.id, name });
      toast("success", mode === "create" ? t("groups.createdToast", { name: saved.name }) : t("groups.renamedToast", { name: saved.name }));
      onDone(saved);
      onClose();
    } catch (err) {
      const data = (err as { data?: { fieldErrors?: Record<string, string> | null } }).data;
      setError(data?.fieldErrors?.name ?? (err as Error).message);
    }
  }
  return (
    <Dialog labelledBy={id} onClose={onClose} size="md">
      <form onSubmit={submit} className="space-y-4">
        <h2 id={id} className="text-lg font-semibold break-words">
          {mode === "create" ? t("groups.createTitle") : t("groups.renameTitle", { name: group!.name })}
        </h2>
        <Field label={t("groups.name")} required maxLength={200} value={name} error={error} hint={t("groups.nameHint")} onChange={(e) => setName(e.target.value)} autoFocus />
        <div className="flex justify-end gap-2 pt-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("admin.common.cancel")}
          </Button>
          <Button type="submit" disabled={create.isPending || rename.isPending}>
            {mode === "create" ? t("groups.create") : t("groups.rename")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteGroupDialog({ group, onClose, onDone }: { group: Group; onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const remove = useMutation(trpc.admin.groups.delete.mutationOptions());
  return (
    <ConfirmDialog
      title={t("groups.deleteTitle", { name: group.name })}
      body={group.memberCount === 0 ? t("groups.deleteBodyEmpty") : t("groups.deleteBody", { count: group.memberCount })}
      detail={group.source === "oidc" ? t("groups.deleteSso") : undefined}
      confirmLabel={t("groups.delete")}
      cancelLabel={t("admin.common.cancel")}
      pending={remove.isPending}
      onClose={onClose}
      onConfirm={() =>
        remove
          .mutateAsync({ groupId: group.id })
          .then(() => {
            toast("success", t("groups.deletedToast", { name: group.name }));
            onDone();
            onClose();
          })
          .catch((e: unknown) => toast("error", (e as Error).message))
      }
    />
  );
}

function MembersPanel({ group, onChanged }: { group: Group; onChanged: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [query, setQuery] = useState("");
  const debounced = useDebounced(query, 200);
  const members = useQuery(trpc.admin.groups.members.queryOptions({ groupId: group.id }));
  const candidates = useQuery({
    ...trpc.admin.users.list.queryOptions({ search: debounced, sort: "email", dir: "asc", page: 1, pageSize: 6 }),
    enabled: debounced.length > 0,
    placeholderData: keepPreviousData,
  });
  const add = useMutation(trpc.admin.groups.addMember.mutationOptions());
  const remove = useMutation(trpc.admin.groups.removeMember.mutationOptions());
  const memberIds = new Set(members.data?.members.map((m) => m.userId));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.admin.groups.members.queryKey({ groupId: group.id }) });
    onChanged();
  };
  const sourceName = (s: Group["source"]) => (s === "oidc" ? t("groups.sourceOidc") : s === "scim" ? t("groups.sourceScim") : t("groups.sourceLocal"));
  const fail = (e: unknown) => toast("error", (e as Error).message);

  return (
    <Card className="lg:sticky lg:top-4" title={t("groups.membersOf", { name: group.name })} subtitle={t(group.memberCount === 1 ? "groups.memberCountOne" : "groups.memberCount", { count: group.memberCount })}>
      <div className="space-y-4" data-testid="group-members-panel">
        <div>
          <label className="relative block">
            <span className="sr-only">{t("groups.addMember")}</span>
            <UserPlus className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
            <input
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder={t("groups.addPlaceholder")}
              aria-label={t("groups.addMember")}
              className="block w-full rounded-lg border border-zinc-300 bg-white py-2 pr-3 pl-9 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900"
            />
          </label>
          {debounced && candidates.data ? (
            <ul className="mt-2 divide-y divide-zinc-100 overflow-hidden rounded-xl border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" data-testid="member-candidates">
              {candidates.data.items.length === 0 ? <li className="px-3 py-3 text-center text-sm text-zinc-500">{t("groups.noUsers")}</li> : null}
              {candidates.data.items.map((u) => {
                const isMember = memberIds.has(u.id);
                return (
                  <li key={u.id} className="flex items-center gap-3 px-3 py-2" data-testid="member-candidate" data-email={u.email}>
                    <Avatar name={u.name} small />
                    <div className="min-w-0 flex-1">
                      <div className="truncate text-sm font-medium">{u.name}</div>
                      <div className="truncate text-xs text-zinc-500">{u.email}</div>
                    </div>
                    {isMember ? (
                      <span className="text-xs text-zinc-500">{t("groups.alreadyMember")}</span>
                    ) : (
                      <Button
                        type="button"
                        variant="secondary"
                        className="!px-2.5 !py-1 text-xs"
                        disabled={add.isPending}
                        onClick={() =>
                          add
                            .mutateAsync({ groupId: group.id, userId: u.id })
                            .then(() => (toast("success", t("groups.addedToast", { email: u.email, group: group.name })), refresh()))
                            .catch(fail)
                        }
                      >
                        <Plus className="size-3.5" /> {t("groups.add")}
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          ) : null}
        </div>
        <h4 className="border-t border-zinc-100 pt-3 text-xs font-medium text-zinc-500 dark:border-zinc-800">{t("groups.members")}</h4>
        <ul className="-mx-1 -mt-2 max-h-[28rem] space-y-0.5 overflow-y-auto" data-testid="group-member-list">
          {members.data?.members.length === 0 ? <li className="px-1 py-6 text-center text-sm text-zinc-500">{t("groups.noMembers")}</li> : null}
          {members.data?.members.map((m) => (
            <li key={m.userId} className="group flex items-center gap-3 rounded-lg px-1 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/50" data-testid="group-member" data-email={m.email}>
              <Avatar name={m.name} />
              <div className="min-w-0 flex-1">
                <div className="flex items-center gap-1.5">
                  <span className="truncate text-sm font-medium">{m.name}</span>
                  {m.disabled ? <Badge tone="amber">{t("groups.disabled")}</Badge> : null}
                </div>
                <div className="truncate text-xs text-zinc-500" title={t("groups.memberVia", { source: sourceName(m.source) })}>
                  {m.email}
                  {m.source !== "local" ? ` · ${sourceName(m.source)}` : ""}
                </div>
              </div>
              <button
                type="button"
                aria-label={t("groups.removeFor", { email: m.email })}
                title={t("groups.remove")}
                disabled={remove.isPending}
                onClick={() =>
                  remove
                    .mutateAsync({ groupId: group.id, userId: m.userId })
                    .then(() => (toast("success", t("groups.removedToast", { email: m.email, group: group.name })), refresh()))
                    .catch(fail)
                }
                className="rounded-lg p-1.5 text-zinc-400 hover:bg-red-50 hover:text-red-600 focus-visible:opacity-100 sm:opacity-0 sm:group-hover:opacity-100 dark:hover:bg-red-500/10"
              >
                <UserMinus className="size-4" />
              </button>
            </li>
          ))}
        </ul>
      </div>
    </Card>
  );
}
