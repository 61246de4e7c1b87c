"use client";
import { useId, useState } from "react";
import clsx from "clsx";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FolderKanban, Gauge, Pencil, Plus, Trash2, UserMinus, UsersRound } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { formatModified } from "@/components/drive/format";
import { Badge, Card, EmptyRow, PageHeader, Table } from "@/components/admin/admin-ui";
import { RowMenu } from "@/components/admin/row-menu";
import { formatBytes } from "@/server/i18n/messages";
import { TEAM_ROLES, type TeamRoleName } from "@/server/teams/teams.schemas";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type Team = RouterOutputs["teams"]["list"][number];
type Pending = { kind: "create" } | { kind: "rename" | "quota" | "delete"; team: Team } | null;
const GiB = 1024 ** 3;

const errorOf = (err: unknown, field: string) =>
  (err as { data?: { fieldErrors?: Record<string, string> | null } }).data?.fieldErrors?.[field] ?? (err as Error).message;

/** Admin → Team folders: the list with usage, and the selected one's members with their roles. */
export function AdminTeamFolders() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.teams.pathKey() });
  const selected = teams.data?.find((x) => x.id === selectedId) ?? null;

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("teams.title")}
        intro={t("teams.intro")}
        actions={
          <Button onClick={() => setPending({ kind: "create" })}>
            <Plus className="size-4" /> {t("teams.create")}
          </Button>
        }
      />
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <Table
          testId="team-folders-table"
          widths={["", "w-44", "w-28", "w-36", "w-14"]}
          head={[t("teams.name"), t("teams.usage"), t("teams.members"), t("teams.created"), <span key="a" className="sr-only">{t("admin.common.actions")}</span>]}
        >
          {teams.isLoading ? <EmptyRow colSpan={5}>{t("admin.common.loading")}</EmptyRow> : null}
          {teams.data?.length === 0 ? <EmptyRow colSpan={5}>{t("teams.empty")}</EmptyRow> : null}
          {teams.data?.map((x) => {
            const pct = x.quotaBytes ? Math.min(100, (x.usedBytes / x.quotaBytes) * 100) : 0;
            return (
              <tr
                key={x.id}
                data-testid="team-folder-row"
                data-name={x.name}
                aria-selected={x.id === selectedId}
                onClick={() => setSelectedId(x.id)}
                className={clsx("cursor-pointer", x.id === selectedId ? "bg-brand-50/70 dark:bg-brand-500/10" : "hover:bg-zinc-50/60 dark:hover:bg-zinc-800/40")}
              >
                <td className="px-4 py-3">
                  <button type="button" className="flex max-w-full min-w-0 items-center gap-3 text-left" onClick={() => setSelectedId(x.id)}>
                    <span className="flex size-8 shrink-0 items-center justify-center rounded-xl bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100">
                      <FolderKanban className="size-4" />
                    </span>
                    <span className="truncate font-medium">{x.name}</span>
                  </button>
                </td>
                <td className="px-4 py-3">
                  <div className="text-xs text-zinc-600 tabular-nums dark:text-zinc-400">{t("teams.usedOf", { used: formatBytes(x.usedBytes), quota: formatBytes(x.quotaBytes) })}</div>
                  <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
                    <div className={clsx("h-full rounded-full", pct >= 90 ? "bg-amber-500" : "bg-brand-500")} style={{ width: `${pct}%` }} />
                  </div>
                </td>
                <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-600 tabular-nums dark:text-zinc-400">
                  {x.memberCount === 1 ? t("teams.memberCountOne") : t("teams.memberCount", { count: x.memberCount })}
                </td>
                <td className="px-4 py-3 text-xs whitespace-nowrap text-zinc-500">{formatModified(x.createdAt, locale)}</td>
                <td className="px-4 py-3 text-right" onClick={(e) => e.stopPropagation()}>
                  <RowMenu
                    label={t("teams.moreFor", { name: x.name })}
                    items={[
                      { label: t("teams.rename"), icon: <Pencil className="size-4" />, onSelect: () => setPending({ kind: "rename", team: x }) },
                      { label: t("teams.setQuota"), icon: <Gauge className="size-4" />, onSelect: () => setPending({ kind: "quota", team: x }) },
                      { label: t("teams.delete"), icon: <Trash2 className="size-4" />, danger: true, onSelect: () => setPending({ kind: "delete", team: x }) },
                    ]}
                  />
                </td>
              </tr>
            );
          })}
        </Table>
        {selected ? (
          <MembersPanel key={selected.id} team={selected} onChanged={refresh} />
        ) : (
          <Card className="lg:sticky lg:top-4">
            <div className="flex flex-col items-center gap-3 py-8 text-center text-sm text-zinc-500">
              <span className="flex size-11 items-center justify-center rounded-2xl bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
                <FolderKanban className="size-5" />
              </span>
              {t("teams.select")}
            </div>
          </Card>
        )}
      </div>
      {pending?.kind === "create" || pending?.kind === "rename" || pending?.kind === "quota" ? (
        <TeamDialog
          mode={pending.kind}
          team={pending.kind === "create" ? undefined : pending.team}
          onClose={() => setPending(null)}
          onDone={(x) => (setSelectedId(x.id), void refresh())}
        />
      ) : null}
      {pending?.kind === "delete" ? <DeleteDialog team={pending.team} onClose={() => setPending(null)} onDone={() => (setSelectedId(null), void refresh())} /> : null}
    </div>
  );
}

function TeamDialog({ mode, team, onClose, onDone }: { mode: "create" | "rename" | "quota"; team?: Team; onClose: () => void; onDone: (x: { id: string }) => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const id = useId();
  const create = useMutation(trpc.teams.create.mutationOptions());
  const rename = useMutation(trpc.teams.rename.mutationOptions());
  const setQuota = useMutation(trpc.teams.setQuota.mutationOptions());
  const [name, setName] = useState(team?.name ?? "");
  const [gib, setGib] = useState(team ? String(Math.round((team.quotaBytes / GiB) * 100) / 100) : "10");
  const [error, setError] = useState<{ field: "name" | "quota"; text: string } | null>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    const quotaBytes = Math.round(Number(gib) * GiB);
    try {
      const saved =
        mode === "create"
          ? await create.mutateAsync({ name, quotaBytes })
          : mode === "rename"
            ? await rename.mutateAsync({ teamFolderId: team!.id, name })
            : await setQuota.mutateAsync({ teamFolderId: team!.id, quotaBytes });
      toast("success", mode === "create" ? t("teams.createdToast", { name: saved.name }) : t("teams.savedToast"));
      onDone(saved);
      onClose();
    } catch (err) {
      setError(mode === "quota" ? { field: "quota", text: errorOf(err, "quotaBytes") } : { field: "name", text: errorOf(err, "name") });
    }
  }
  const title = mode === "create" ? t("teams.createTitle") : mode === "rename" ? t("teams.renameTitle", { name: team!.name }) : t("teams.quotaTitle", { name: team!.name });
  return (
    <Dialog labelledBy={id} onClose={onClose} size="md">
      <form onSubmit={submit} className="space-y-4">
        <h2 id={id} className="text-lg font-semibold break-words">
          {title}
        </h2>
        {mode !== "quota" ? (
          <Field label={t("teams.name")} required value={name} error={error?.field === "name" ? error.text : null} onChange={(e) => setName(e.target.value)} autoFocus />
        ) : null}
        {mode !== "rename" ? (
          <Field
            label={t("teams.quota")}
            type="number"
            min="0"
            step="any"
            required
            value={gib}
            hint={t("teams.quotaHint")}
            error={error?.field === "quota" ? error.text : null}
            onChange={(e) => setGib(e.target.value)}
            autoFocus={mode === "quota"}
          />
        ) : null}
        <div className="flex justify-end gap-2 pt-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("admin.common.cancel")}
          </Button>
          <Button type="submit" disabled={create.isPending || rename.isPending || setQuota.isPending}>
            {mode === "create" ? t("teams.create") : t("admin.common.save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ team, onClose, onDone }: { team: Team; onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const remove = useMutation(trpc.teams.delete.mutationOptions());
  return (
    <ConfirmDialog
      title={t("teams.deleteTitle", { name: team.name })}
      body={t("teams.deleteBody")}
      confirmLabel={t("teams.delete")}
      cancelLabel={t("admin.common.cancel")}
      pending={remove.isPending}
      onClose={onClose}
      onConfirm={() =>
        remove
          .mutateAsync({ teamFolderId: team.id })
          .then(() => (toast("success", t("teams.deletedToast", { name: team.name })), onDone(), onClose()))
          .catch((e: unknown) => toast("error", (e as Error).message))
      }
    />
  );
}

const selectClass =
  "rounded-lg border border-zinc-300 bg-white px-2 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900";

function RoleSelect({ value, onChange, label }: { value: TeamRoleName; onChange: (r: TeamRoleName) => void; label: string }) {
  const t = useT();
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as TeamRoleName)} className={selectClass}>
      {TEAM_ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`teams.role${r}`)}
        </option>
      ))}
    </select>
  );
}

/** Members of one team folder: add a person by email or a group, change a role, remove. */
export function MembersPanel({ team, onChanged }: { team: { id: string; name: string; memberCount: number }; onChanged: () => void }) {
  const trpc = useTRPC();
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.teams.members.queryOptions({ teamFolderId: team.id }));
  const groups = useQuery(trpc.admin.groups.list.queryOptions({ page: 1, pageSize: 200 }));
  const set = useMutation(trpc.teams.setMember.mutationOptions());
  const remove = useMutation(trpc.teams.removeMember.mutationOptions());
  const [email, setEmail] = useState("");
  const [emailRole, setEmailRole] = useState<TeamRoleName>("EDITOR");
  const [groupId, setGroupId] = useState("");
  const [groupRole, setGroupRole] = useState<TeamRoleName>("VIEWER");
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.teams.members.queryKey({ teamFolderId: team.id }) });
    onChanged();
  };
  const fail = (e: unknown) => toast("error", (e as Error).message);
  const nameOf = (m: RouterOutputs["teams"]["members"][number]) => m.user?.email ?? m.group?.name ?? "";

  return (
    <Card className="lg:sticky lg:top-4" title={t("teams.membersOf", { name: team.name })} subtitle={t("teams.roleHelp")}>
      <div className="space-y-4" data-testid="team-members-panel">
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            set
              .mutateAsync({ teamFolderId: team.id, email, role: emailRole })
              .then(() => (toast("success", t("teams.addedToast", { name: email })), setEmail(""), refresh()))
              .catch(fail);
          }}
        >
          <label className="block text-xs font-medium text-zinc-500" htmlFor={`${team.id}-email`}>
            {t("teams.addPerson")}
          </label>
          <div className="flex gap-2">
            <input
              id={`${team.id}-email`}
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              placeholder={t("teams.addPersonPlaceholder")}
              className="block min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900"
            />
            <RoleSelect value={emailRole} onChange={setEmailRole} label={t("teams.role")} />
            <Button type="submit" disabled={set.isPending}>
              {t("teams.add")}
            </Button>
          </div>
        </form>
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (!groupId) return;
            const name = groups.data?.items.find((g) => g.id === groupId)?.name ?? "";
            set
              .mutateAsync({ teamFolderId: team.id, groupId, role: groupRole })
              .then(() => (toast("success", t("teams.addedToast", { name })), setGroupId(""), refresh()))
              .catch(fail);
          }}
        >
          <label className="block text-xs font-medium text-zinc-500" htmlFor={`${team.id}-group`}>
            {t("teams.addGroup")}
          </label>
          <div className="flex gap-2">
            <select id={`${team.id}-group`} value={groupId} onChange={(e) => setGroupId(e.target.value)} className={clsx(selectClass, "min-w-0 flex-1")}>
              <option value="">{t("teams.chooseGroup")}</option>
              {groups.data?.items.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
            <RoleSelect value={groupRole} onChange={setGroupRole} label={t("teams.role")} />
            <Button type="submit" variant="secondary" disabled={set.isPending || !groupId}>
              {t("teams.add")}
            </Button>
          </div>
        </form>
        <h4 className="border-t border-zinc-100 pt-3 text-xs font-medium text-zinc-500 dark:border-zinc-800">{t("teams.members")}</h4>
        <ul className="-mx-1 -mt-2 max-h-[28rem] space-y-0.5 overflow-y-auto" data-testid="team-member-list">
          {members.data?.length === 0 ? <li className="px-1 py-6 text-center text-sm text-zinc-500">{t("teams.noMembers")}</li> : null}
          {members.data?.map((m) => (
            <li key={m.id} className="flex items-center gap-3 rounded-lg px-1 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/50" data-testid="team-member" data-name={nameOf(m)}>
              <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-sky-400 to-indigo-500 text-xs font-semibold text-white">
                {m.group ? <UsersRound className="size-4" /> : (m.user?.name ?? "?").slice(0, 1).toUpperCase()}
              </span>
              <div className="min-w-0 flex-1">
                <div className="flex items-center gap-1.5">
                  <span className="truncate text-sm font-medium">{m.user?.name ?? m.group?.name}</span>
                  {m.group ? <Badge tone="brand">{t("teams.groupTag")}</Badge> : null}
                </div>
                {m.user ? <div className="truncate text-xs text-zinc-500">{m.user.email}</div> : null}
              </div>
              <RoleSelect
                value={m.role}
                label={t("teams.role")}
                onChange={(role) =>
                  set
                    .mutateAsync(m.user ? { teamFolderId: team.id, email: m.user.email, role } : { teamFolderId: team.id, groupId: m.group!.id, role })
                    .then(refresh)
                    .catch(fail)
                }
              />
              <button
                type="button"
                aria-label={t("teams.removeFor", { name: nameOf(m) })}
                title={t("teams.remove")}
                disabled={remove.isPending}
                onClick={() =>
                  remove
                    .mutateAsync({ teamFolderId: team.id, memberId: m.id })
                    .then(() => (toast("success", t("teams.removedToast", { name: nameOf(m) })), refresh()))
                    .catch(fail)
                }
                className="rounded-lg p-1.5 text-zinc-400 hover:bg-red-50 hover:text-red-600 dark:hover:bg-red-500/10"
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
