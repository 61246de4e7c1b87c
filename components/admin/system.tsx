"use client";
import { useQuery } from "@tanstack/react-query";
import { CheckCircle2, XCircle } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { formatModified } from "@/components/drive/format";
import { Badge, Card, EmptyRow, PageHeader, Table } from "@/components/admin/admin-ui";
import { ProfilingCard } from "@/components/admin/profiling";
import { SearchIndexCard } from "@/components/admin/search-index";

function uptime(seconds: number) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}

export function AdminSystem() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const system = useQuery({ ...trpc.admin.system.queryOptions(), refetchInterval: 10_000 });
  const s = system.data;
  const kinds = s ? [...new Set(s.queue.counts.map((c) => c.kind))].sort() : [];
  const count = (kind: string, status: string) => s?.queue.counts.find((c) => c.kind === kind && c.status === status)?.count ?? 0;
  const reach = (r: { ok: boolean; ms: number; error: string | null }) =>
    r.ok ? (
      <span className="inline-flex items-center gap-1.5 text-emerald-600 dark:text-emerald-400">
        <CheckCircle2 className="size-4" /> {t("admin.system.reachable", { ms: r.ms })}
      </span>
    ) : (
      <span className="inline-flex items-center gap-1.5 text-red-600 dark:text-red-400">
        <XCircle className="size-4" /> {t("admin.system.unreachable", { error: r.error ?? "" })}
      </span>
    );
  const row = (label: string, value: React.ReactNode) => (
    <div className="flex flex-wrap items-baseline justify-between gap-2 py-2">
      <dt className="text-sm text-zinc-500">{label}</dt>
      <dd className="text-sm font-medium">{value}</dd>
    </div>
  );

  return (
    <div className="space-y-6">
      <PageHeader title={t("admin.system.title")} intro={t("admin.system.intro")} />
      {s ? (
        <>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            <Card>
              <dl className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="system-info">
                {row(t("admin.system.version"), <code>{s.version}</code>)}
                {row(t("admin.system.node"), <code>{s.node}</code>)}
                {row(t("admin.system.uptime"), uptime(s.uptimeSeconds))}
                {row(t("admin.system.redis"), s.redis === "configured" ? t("admin.system.redisOn") : t("admin.system.redisOff"))}
              </dl>
            </Card>
            <Card>
              <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {row(t("admin.system.database"), s.database.mode === "embedded" ? t("admin.overview.embedded") : t("admin.overview.postgres"))}
                {row("", reach(s.database))}
                {row(t("admin.system.storage"), s.storage.backend === "s3" ? t("admin.overview.s3") : t("admin.overview.local"))}
                {row("", reach(s.storage))}
              </dl>
            </Card>
          </div>

          <ProfilingCard />

          <SearchIndexCard />

          <section className="space-y-3">
            <PageHeader title={t("admin.system.queue")} intro={t("admin.system.queueIntro")} />
            <Table testId="queue-table" head={[t("admin.system.kind"), t("admin.system.queued"), t("admin.system.running"), t("admin.system.done"), t("admin.system.failed")]}>
              {kinds.length === 0 ? <EmptyRow colSpan={5}>{t("admin.system.noJobs")}</EmptyRow> : null}
              {kinds.map((k) => (
                <tr key={k}>
                  <td className="px-4 py-2.5">
                    <code className="text-sm">{k}</code>
                  </td>
                  <td className="px-4 py-2.5 tabular-nums">{count(k, "QUEUED")}</td>
                  <td className="px-4 py-2.5 tabular-nums">{count(k, "RUNNING")}</td>
                  <td className="px-4 py-2.5 tabular-nums">{count(k, "DONE")}</td>
                  <td className="px-4 py-2.5 tabular-nums">{count(k, "FAILED") ? <Badge tone="red">{count(k, "FAILED")}</Badge> : 0}</td>
                </tr>
              ))}
            </Table>
            {s.queue.failures.length || s.queue.retrying.length ? (
              <Card title={t("admin.system.failures")}>
                <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" data-testid="queue-failures">
                  {s.queue.retrying.map((j) => (
                    <li key={j.id} className="flex flex-wrap items-baseline gap-2 py-2">
                      <Badge tone="amber">{t("admin.system.retrying")}</Badge>
                      <code>{j.kind}</code>
                      <span className="text-xs text-zinc-500">
                        {t("admin.system.attempts", { count: j.attempts })} · {t("admin.system.nextTry", { when: formatModified(j.runAt, locale) })}
                      </span>
                      <span className="w-full truncate text-xs text-red-600 dark:text-red-400">{j.lastError}</span>
                    </li>
                  ))}
                  {s.queue.failures.map((j) => (
                    <li key={j.id} className="flex flex-wrap items-baseline gap-2 py-2">
                      <Badge tone="red">{t("admin.system.failed")}</Badge>
                      <code>{j.kind}</code>
                      <span className="text-xs text-zinc-500">
                        {t("admin.system.attempts", { count: j.attempts })}
                        {j.finishedAt ? ` · ${formatModified(j.finishedAt, locale)}` : ""}
                      </span>
                      <span className="w-full truncate text-xs text-red-600 dark:text-red-400">{j.lastError}</span>
                    </li>
                  ))}
                </ul>
              </Card>
            ) : null}
          </section>

          <section className="space-y-3">
            <PageHeader title={t("admin.system.periodic")} />
            <Table head={[t("admin.system.job"), t("admin.system.lastRun"), t("admin.system.runs"), t("admin.system.lastError")]}>
              {s.jobs.length === 0 ? <EmptyRow colSpan={4}>{t("admin.system.noJobs")}</EmptyRow> : null}
              {s.jobs.map((j) => (
                <tr key={j.name}>
                  <td className="px-4 py-2.5">
                    <code className="text-sm">{j.name}</code>
                  </td>
                  <td className="px-4 py-2.5 text-xs text-zinc-500">{j.lastFinishedAt ? formatModified(j.lastFinishedAt, locale) : t("admin.common.never")}</td>
                  <td className="px-4 py-2.5 tabular-nums">
                    {j.runs}
                    {j.failures ? <span className="text-red-600"> · {j.failures} ✗</span> : null}
                  </td>
                  <td className={`max-w-96 truncate px-4 py-2.5 text-xs ${j.lastError ? "text-red-600 dark:text-red-400" : "text-zinc-400"}`}>{j.lastError ?? t("admin.system.noError")}</td>
                </tr>
              ))}
            </Table>
          </section>

          <section className="space-y-3">
            <PageHeader title={t("admin.system.config")} intro={t("admin.system.configIntro")} />
            <Table testId="config-table" head={[t("admin.system.variable"), t("admin.system.value")]}>
              {s.config.map((c) => (
                <tr key={c.name}>
                  <td className="px-4 py-2">
                    <code className="text-xs">{c.name}</code>
                  </td>
                  <td className="px-4 py-2 text-xs">{c.set ? <code className="break-all">{c.value}</code> : <span className="text-zinc-400">{t("admin.system.notSet")}</span>}</td>
                </tr>
              ))}
            </Table>
          </section>
        </>
      ) : (
        <p className="text-sm text-zinc-500">{t("admin.common.loading")}</p>
      )}
    </div>
  );
}
