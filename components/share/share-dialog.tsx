"use client";
import { useId, useState, type FormEvent } from "react";
import clsx from "clsx";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, Link2, Plus, Share2, User, UserMinus, Users, UsersRound, X } from "lucide-react";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { useTRPC } from "@/components/trpc/client";
import { useT } from "@/components/i18n/i18n-provider";
import { LinkForm, type LinkFormValues } from "@/components/share/link-form";
import { LinkCard, useInvalidateLinks, type LinkDto } from "@/components/share/link-card";
import { CreatedLink } from "@/components/share/created-link";

export interface ShareTarget {
  id: string;
  name: string;
  kind: "FILE" | "FOLDER";
}

/** A failed call's message and per-field messages; "not found" on a node one can open means it is not one's own. */
function errorParts(e: unknown, ownerOnly: string): { message: string; fieldErrors: Record<string, string> | null } {
  const err = e as { message?: string; data?: { fieldErrors?: Record<string, string> | null; appCode?: string } };
  return { message: err.data?.appCode === "NOT_FOUND" ? ownerOnly : (err.message ?? ""), fieldErrors: err.data?.fieldErrors ?? null };
}

/** Share a file or folder: public links (create, edit, revoke, access log) and teammates. */
export function ShareDialog({ node, onClose }: { node: ShareTarget; onClose: () => void }) {
  const t = useT();
  const titleId = useId();
  const [tab, setTab] = useState<"links" | "people">("links");
  return (
    <Dialog labelledBy={titleId} size="lg" onClose={onClose}>
      <div className="flex items-start justify-between gap-3">
        <div className="flex min-w-0 items-center gap-3">
          <div className="flex size-10 shrink-0 items-center justify-center rounded-xl bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100">
            <Share2 className="size-5" />
          </div>
          <h2 id={titleId} className="truncate text-lg font-semibold">
            {t("sharing.shareTitle", { name: node.name })}
          </h2>
        </div>
        <button onClick={onClose} aria-label={t("sharing.cancel")} className="rounded-lg p-1.5 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800">
          <X className="size-5" />
        </button>
      </div>
      <div role="tablist" className="mt-5 grid grid-cols-2 gap-1 rounded-xl bg-zinc-100 p-1 dark:bg-zinc-800/70">
        {(
          [
            ["links", t("sharing.tabLink"), Link2],
            ["people", t("sharing.tabPeople"), Users],
          ] as const
        ).map(([value, label, Icon]) => (
          <button
            key={value}
            role="tab"
            aria-selected={tab === value}
            onClick={() => setTab(value)}
            className={clsx(
              "inline-flex items-center justify-center gap-2 rounded-lg px-3 py-1.5 text-sm font-medium transition",
              tab === value ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-900 dark:text-zinc-100" : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-200",
            )}
          >
            <Icon className="size-4" /> {label}
          </button>
        ))}
      </div>
      <div className="mt-4 max-h-[min(70vh,640px)] overflow-y-auto pr-1">{tab === "links" ? <LinksTab node={node} /> : <PeopleTab node={node} />}</div>
    </Dialog>
  );
}

function LinksTab({ node }: { node: ShareTarget }) {
  const t = useT();
  const trpc = useTRPC();
  const toast = useToast();
  const invalidate = useInvalidateLinks();
  const links = useQuery(trpc.share.links.queryOptions({ nodeId: node.id }));
  const create = useMutation(trpc.share.createLink.mutationOptions());
  const update = useMutation(trpc.share.updateLink.mutationOptions());
  const [mode, setMode] = useState<{ kind: "list" } | { kind: "new" } | { kind: "edit"; link: LinkDto } | { kind: "created"; url: string }>({ kind: "list" });
  const [error, setError] = useState<{ message: string; fieldErrors: Record<string, string> | null } | null>(null);

  async function onCreate(v: LinkFormValues) {
    setError(null);
    try {
      const res = await create.mutateAsync({
        nodeId: node.id,
        permission: v.permission,
        password: v.password ?? null,
        expiresAt: v.expiresAt,
        maxDownloads: v.maxDownloads,
        maxUploadBytes: v.maxUploadBytes,
        label: v.label,
        recipients: v.recipients,
      });
      await invalidate();
      // The address is built from the page's own origin, so it works behind any proxy.
      setMode({ kind: "created", url: `${window.location.origin}/s/${res.token}` });
    } catch (e) {
      setError(errorParts(e, t("sharing.ownerOnly")));
    }
  }

  async function onEdit(link: LinkDto, v: LinkFormValues) {
    setError(null);
    try {
      await update.mutateAsync({
        linkId: link.id,
        permission: v.permission,
        password: v.password,
        expiresAt: v.expiresAt,
        maxDownloads: v.maxDownloads,
        maxUploadBytes: v.maxUploadBytes,
        label: v.label,
      });
      await invalidate();
      toast("success", t("sharing.saved"));
      setMode({ kind: "list" });
    } catch (e) {
      setError(errorParts(e, t("sharing.ownerOnly")));
    }
  }

  if (mode.kind === "created") return <CreatedLink url={mode.url} onDone={() => setMode({ kind: "list" })} />;
  if (mode.kind === "new" || mode.kind === "edit") {
    const link = mode.kind === "edit" ? mode.link : null;
    return (
      <LinkForm
        key={link?.id ?? "new"}
        isFolder={node.kind === "FOLDER"}
        initial={link ?? undefined}
        submitLabel={link ? t("sharing.saveLink") : t("sharing.createLink")}
        busyLabel={link ? t("sharing.saving") : t("sharing.creating")}
        error={error?.fieldErrors ? null : error?.message}
        fieldErrors={error?.fieldErrors}
        onCancel={() => {
          setError(null);
          setMode({ kind: "list" });
        }}
        onSubmit={(v) => (link ? onEdit(link, v) : onCreate(v))}
      />
    );
  }
  return (
    <div className="space-y-3">
      {links.error && <p className="text-sm text-red-600">{links.error.message}</p>}
      {links.data?.length === 0 && <p className="rounded-xl border border-dashed border-zinc-300 p-5 text-center text-sm text-zinc-500 dark:border-zinc-700">{t("sharing.noLinks")}</p>}
      <ul className="space-y-2">
        {links.data?.map((l) => (
          <LinkCard key={l.id} link={l} onEdit={() => setMode({ kind: "edit", link: l })} />
        ))}
      </ul>
      <Button onClick={() => setMode({ kind: "new" })} className="w-full" data-testid="new-link">
        <Plus className="size-4" /> {t("sharing.newLink")}
      </Button>
    </div>
  );
}

function PeopleTab({ node }: { node: ShareTarget }) {
  const t = useT();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const grants = useQuery(trpc.share.grants.queryOptions({ nodeId: node.id }));
  const grant = useMutation(trpc.share.grant.mutationOptions());
  const grantGroup = useMutation(trpc.share.grantGroup.mutationOptions());
  const [to, setTo] = useState<"person" | "group">("person");
  const [groupSearch, setGroupSearch] = useState("");
  const [groupId, setGroupId] = useState<string | null>(null);
  const groups = useQuery({ ...trpc.share.shareableGroups.queryOptions({ search: groupSearch || undefined }), enabled: to === "group" });
  const updateGrant = useMutation(trpc.share.updateGrant.mutationOptions());
  const revoke = useMutation(trpc.share.revokeGrant.mutationOptions());
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"VIEWER" | "EDITOR">("VIEWER");
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.share.grants.pathKey() });
  const memberLabel = (n: number) => (n === 1 ? t("groups.memberCountOne") : t("groups.memberCount", { count: n }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      if (to === "group") {
        if (!groupId) return setError(t("sharing.groupPick"));
        const g = await grantGroup.mutateAsync({ nodeId: node.id, groupId, role });
        setGroupId(null);
        toast("success", t("sharing.groupInvited", { name: g.group?.name ?? "" }));
      } else {
        const g = await grant.mutateAsync({ nodeId: node.id, email, role });
        setEmail("");
        toast("success", t("sharing.invited", { email: g.grantee?.email ?? email }));
      }
      await refresh();
    } catch (err) {
      const p = errorParts(err, t("sharing.ownerOnly"));
      setError(p.fieldErrors ? Object.values(p.fieldErrors)[0]! : p.message);
    }
  }

  const roleSelect = (value: "VIEWER" | "EDITOR", onChange: (r: "VIEWER" | "EDITOR") => void, label: string) => (
    <select
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value as "VIEWER" | "EDITOR")}
      className="rounded-lg border border-zinc-300 bg-white px-2 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
    >
      <option value="VIEWER">{t("sharing.roleViewer")}</option>
      <option value="EDITOR">{t("sharing.roleEditor")}</option>
    </select>
  );

  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-500">{t("sharing.peopleIntro")}</p>
      <div role="radiogroup" aria-label={t("sharing.tabPeople")} className="inline-flex rounded-lg bg-zinc-100 p-0.5 text-sm dark:bg-zinc-800">
        {(["person", "group"] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="radio"
            aria-checked={to === k}
            onClick={() => (setTo(k), setError(null))}
            className={clsx(
              "flex items-center gap-1.5 rounded-md px-3 py-1.5 font-medium",
              to === k ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-950 dark:text-zinc-100" : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
            )}
          >
            {k === "person" ? <User className="size-4" /> : <UsersRound className="size-4" />}
            {k === "person" ? t("sharing.sharePerson") : t("sharing.shareGroup")}
          </button>
        ))}
      </div>
      <form onSubmit={submit} className="space-y-2" data-testid="grant-form">
        <div className="flex flex-col gap-2 sm:flex-row">
          {to === "person" ? (
            <input
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              placeholder={t("sharing.email")}
              aria-label={t("sharing.email")}
              className="min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900"
            />
          ) : (
            <input
              type="search"
              value={groupSearch}
              onChange={(e) => setGroupSearch(e.target.value)}
              placeholder={t("sharing.groupSearch")}
              aria-label={t("sharing.groupSearch")}
              className="min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900"
            />
          )}
          {roleSelect(role, setRole, t("sharing.tabPeople"))}
          <Button type="submit" disabled={grant.isPending || grantGroup.isPending}>
            {grant.isPending || grantGroup.isPending ? t("sharing.inviting") : t("sharing.invite")}
          </Button>
        </div>
        {to === "group" && (
          <>
            <p className="text-xs text-zinc-500">{t("sharing.groupHelp")}</p>
            {groups.data?.length === 0 && <p className="rounded-xl border border-dashed border-zinc-300 p-3 text-center text-sm text-zinc-500 dark:border-zinc-700">{t("sharing.groupNone")}</p>}
            {!!groups.data?.length && (
              <ul role="listbox" aria-label={t("sharing.shareGroup")} className="max-h-48 overflow-y-auto rounded-xl border border-zinc-200 dark:border-zinc-800" data-testid="group-options">
                {groups.data.map((g) => (
                  <li key={g.id} role="option" aria-selected={groupId === g.id}>
                    <button
                      type="button"
                      onClick={() => setGroupId(g.id)}
                      className={clsx(
                        "flex w-full items-center gap-3 px-3 py-2 text-left text-sm",
                        groupId === g.id ? "bg-brand-50 dark:bg-brand-500/15" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/60",
                      )}
                    >
                      <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-sky-400 to-indigo-500 text-white">
                        <UsersRound className="size-4" />
                      </span>
                      <span className="min-w-0 flex-1 truncate font-medium">{g.name}</span>
                      <span className="text-xs text-zinc-500">{memberLabel(g.memberCount)}</span>
                      {groupId === g.id && <Check className="size-4 text-brand-600 dark:text-brand-100" />}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      {grants.error && <p className="text-sm text-red-600 dark:text-red-400">{errorParts(grants.error, t("sharing.ownerOnly")).message}</p>}
      {grants.data?.length === 0 && <p className="rounded-xl border border-dashed border-zinc-300 p-5 text-center text-sm text-zinc-500 dark:border-zinc-700">{t("sharing.noPeople")}</p>}
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {grants.data?.map((g) => (
          <li key={g.id} className="flex items-center gap-3 py-2.5" data-testid="grant-row">
            {g.group ? (
              <div className="flex size-8 shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-sky-400 to-indigo-500 text-white">
                <UsersRound className="size-4" />
              </div>
            ) : (
              <div className="flex size-8 shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-emerald-400 to-teal-500 text-sm font-semibold text-white">
                {g.grantee?.name.slice(0, 1).toUpperCase()}
              </div>
            )}
            <div className="min-w-0 flex-1">
              <div className="flex items-center gap-2 truncate text-sm font-medium">
                {g.group?.name ?? g.grantee?.name}
                {g.group && <span className="rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-700 dark:bg-sky-500/15 dark:text-sky-200">{t("sharing.groupTag")}</span>}
              </div>
              <div className="truncate text-xs text-zinc-500">{g.group ? memberLabel(g.group.memberCount) : g.grantee?.email}</div>
            </div>
            {roleSelect(g.role, (r) => void updateGrant.mutateAsync({ grantId: g.id, role: r }).then(refresh, (e: Error) => toast("error", e.message)), g.group?.name ?? g.grantee?.email ?? "")}
            <button
              onClick={() =>
                void revoke.mutateAsync({ grantId: g.id }).then(
                  () => (toast("success", t("sharing.removed")), refresh()),
                  (e: Error) => toast("error", e.message),
                )
              }
              aria-label={t("sharing.remove")}
              title={t("sharing.remove")}
              className="rounded-lg p-2 text-zinc-500 hover:bg-zinc-100 hover:text-red-600 dark:hover:bg-zinc-800"
            >
              <UserMinus className="size-4" />
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
