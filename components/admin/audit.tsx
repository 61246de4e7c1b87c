"use client";
import { useState } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Download, Filter, X } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { Button } from "@/components/ui/button";
import { Badge, EmptyRow, PageHeader, Table, selectClass } from "@/components/admin/admin-ui";
import { auditActionLabel } from "@/components/i18n/areas/audit-actions";
import { DateInput } from "@/components/admin/date-input";
import { auditDetails } from "@/components/i18n/areas/audit-details";

interface Filters {
  user: string;
  action: string;
  from: string;
  to: string;
}
const empty: Filters = { user: "", action: "", from: "", to: "" };

/** Dates are typed as days; "to" includes its whole day. */
function toQuery(f: Filters) {
  return {
    user: f.user.trim() || undefined,
    action: f.action || undefined,
    from: f.from ? new Date(f.from + "T00:00:00") : undefined,
    to: f.to ? new Date(new Date(f.to + "T00:00:00").getTime() + 86_400_000) : undefined,
  };
}

/** A readable name for the target when the event recorded one (an email, a file name), and its key. */
function targetName(data: unknown): { key: string; name: string } | null {
  if (!data || typeof data !== "object") return null;
  const d = data as Record<string, unknown>;
  const key = ["email", "filename", "name"].find((k) => typeof d[k] === "string");
  return key ? { key, name: d[key] as string } : null;
}

function toneOf(action: string) {
  if (action.endsWith(".failure") || action.includes("abort") || action.includes("delete") || action.includes("disable") || action.includes("revoke")) return "red" as const;
  if (action.startsWith("admin.")) return "brand" as const;
  if (action.startsWith("auth.")) return "amber" as const;
  return "zinc" as const;
}

export function AdminAudit() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const [draft, setDraft] = useState<Filters>(empty);
  const [applied, setApplied] = useState<Filters>(empty);
  const actions = useQuery(trpc.admin.audit.actions.queryOptions());
  const query = toQuery(applied);
  const events = useInfiniteQuery(
    trpc.admin.audit.list.infiniteQueryOptions({ ...query, limit: 50 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const csv = new URLSearchParams();
  if (query.user) csv.set("user", query.user);
  if (query.action) csv.set("action", query.action);
  if (query.from) csv.set("from", query.from.toISOString());
  if (query.to) csv.set("to", query.to.toISOString());
  // Date over time, each kept whole: one string wrapped "AM" onto a line of its own in English.
  const day = new Intl.DateTimeFormat(locale === "zh" ? "zh-CN" : "en", { dateStyle: "medium" });
  const clock = new Intl.DateTimeFormat(locale === "zh" ? "zh-CN" : "en", { timeStyle: "medium" });
  const input = "rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-900";

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("admin.audit.title")}
        intro={t("admin.audit.intro")}
        actions={
          <a href={`/api/admin/audit.csv?${csv}`} download className="inline-flex items-center gap-2 rounded-lg border border-zinc-300 bg-white px-3.5 py-2 text-sm font-medium shadow-sm hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800">
            <Download className="size-4" /> {t("admin.audit.export")}
          </a>
        }
      />
      <form
        className="flex flex-wrap items-end gap-3 rounded-2xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
        }}
      >
        <label className="block min-w-48 flex-1 text-sm">
          <span className="mb-1 block font-medium text-zinc-700 dark:text-zinc-300">{t("admin.audit.user")}</span>
          <input value={draft.user} onChange={(e) => setDraft({ ...draft, user: e.target.value })} placeholder={t("admin.audit.userPlaceholder")} className={`${input} w-full`} />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block font-medium text-zinc-700 dark:text-zinc-300">{t("admin.audit.action")}</span>
          <select value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} className={`${selectClass} w-56`}>
            <option value="">{t("admin.audit.allActions")}</option>
            {actions.data?.map((a) => (
              <option key={a} value={a}>
                {auditActionLabel(a, locale)}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          <span className="mb-1 block font-medium text-zinc-700 dark:text-zinc-300">{t("admin.audit.from")}</span>
          <DateInput value={draft.from} onChange={(from) => setDraft({ ...draft, from })} className={`${input} w-44`} testId="audit-from-shown" />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block font-medium text-zinc-700 dark:text-zinc-300">{t("admin.audit.to")}</span>
          <DateInput value={draft.to} onChange={(to) => setDraft({ ...draft, to })} className={`${input} w-44`} testId="audit-to-shown" />
        </label>
        <div className="flex gap-2">
          <Button type="submit">
            <Filter className="size-4" /> {t("admin.audit.apply")}
          </Button>
          <Button type="button" variant="ghost" onClick={() => (setDraft(empty), setApplied(empty))}>
            <X className="size-4" /> {t("admin.audit.clear")}
          </Button>
        </div>
      </form>
      <Table
        testId="audit-table"
        widths={["w-40", "w-52", "w-56", "w-48", ""]}
        head={[t("admin.audit.at"), t("admin.audit.actor"), t("admin.audit.action"), t("admin.audit.target"), t("admin.audit.details")]}
      >
        {events.isLoading ? <EmptyRow colSpan={5}>{t("admin.common.loading")}</EmptyRow> : null}
        {!events.isLoading && items.length === 0 ? <EmptyRow colSpan={5}>{t("admin.audit.empty")}</EmptyRow> : null}
        {items.map((e) => {
          const target = targetName(e.data);
          const name = target?.name ?? null;
          const details = auditDetails(e.data, e.refs, locale, target?.key).join(" · ");
          return (
            <tr key={e.id} data-testid="audit-row" data-action={e.action} className="align-top">
              <td className="px-4 py-2.5 text-xs text-zinc-500 tabular-nums">
                <div className="whitespace-nowrap">{day.format(e.at)}</div>
                <div className="whitespace-nowrap">{clock.format(e.at)}</div>
              </td>
              <td className="px-4 py-2.5" data-testid="audit-actor">
                {e.actor ? (
                  <>
                    <div className="truncate text-sm" title={e.actor.name}>
                      {e.actor.name}
                    </div>
                    <div className="truncate text-xs text-zinc-500" title={e.actor.email}>
                      {e.actor.email}
                    </div>
                  </>
                ) : e.visitor ? (
                  <>
                    <div className="truncate text-sm" title={e.visitor.name ?? undefined}>
                      {e.visitor.name ? t("admin.audit.visitorNamed", { name: e.visitor.name }) : t("admin.audit.visitor")}
                    </div>
                    <div className="truncate font-mono text-xs text-zinc-500" title={e.visitor.shareLinkId}>
                      {t("admin.audit.viaLink", { id: e.visitor.shareLinkId.slice(0, 8) })}
                    </div>
                  </>
                ) : (
                  <span className="text-xs text-zinc-500">{t("admin.audit.system")}</span>
                )}
                {e.ip || e.userAgent ? (
                  <div className="truncate font-mono text-xs text-zinc-400" title={[e.ip, e.userAgent].filter(Boolean).join(" · ")}>
                    {e.ip || e.userAgent}
                  </div>
                ) : null}
              </td>
              <td className="px-4 py-2.5">
                <span title={e.action}>
                  <Badge tone={toneOf(e.action)}>{auditActionLabel(e.action, locale)}</Badge>
                </span>
              </td>
              <td className="px-4 py-2.5 text-xs text-zinc-500" data-testid="audit-target">
                {e.targetUser?.type === "user" ? (
                  <>
                    <div className="truncate text-sm text-zinc-700 dark:text-zinc-300" title={e.targetUser.name}>
                      {e.targetUser.name}
                    </div>
                    <div className="truncate" title={`${e.targetUser.email} · ${e.targetId}`}>
                      {e.targetUser.email}
                    </div>
                  </>
                ) : e.targetUser?.type === "deletedUser" ? (
                  <>
                    <div className="truncate text-sm italic text-zinc-500" data-testid="audit-deleted-user">
                      {t("admin.audit.deletedUser")}
                    </div>
                    <div className="truncate" title={`${name ?? ""} ${e.targetId ?? ""}`.trim()}>
                      {name ?? <span className="font-mono">{e.targetId?.slice(0, 8)}</span>}
                    </div>
                  </>
                ) : e.targetType ? (
                  <>
                    <div className="truncate text-zinc-700 dark:text-zinc-300" title={name ?? undefined}>
                      {name ?? e.targetType}
                    </div>
                    <div className="truncate font-mono" title={`${e.targetType} ${e.targetId ?? ""}`}>
                      {name ? `${e.targetType} · ` : ""}
                      {e.targetId}
                    </div>
                  </>
                ) : (
                  "—"
                )}
              </td>
              <td className="px-4 py-2.5">
                {details ? (
                  <p className="line-clamp-3 text-xs [overflow-wrap:anywhere] text-zinc-600 dark:text-zinc-400" title={JSON.stringify(e.data, null, 1)} data-testid="audit-details">
                    {details}
                  </p>
                ) : null}
              </td>
            </tr>
          );
        })}
      </Table>
      {events.hasNextPage ? (
        <div className="flex justify-center">
          <Button variant="secondary" disabled={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
            {t("admin.audit.loadMore")}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
