"use client";
import { useQuery } from "@tanstack/react-query";
import { Activity, CheckCircle2, Copy, Database, FileText, HardDrive, Layers, Link2, Users, XCircle } from "lucide-react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { formatBytes } from "@/server/i18n/messages";
import { Card, Stat } from "@/components/admin/admin-ui";

const axis = { fontSize: 11, fill: "#71717a" };
const grid = "rgba(113,113,122,0.18)";
/** Axis ticks stay on one line: whole numbers past 10 (e.g. "15 MiB"). */
const axisBytes = (v: unknown) => formatBytes(Number(v)).replace(/^(\d{2,})\.\d /, "$1 ");
const tooltipStyle = { borderRadius: 12, border: "1px solid rgba(113,113,122,0.25)", fontSize: 12, background: "var(--tooltip-bg, #fff)", color: "#18181b" };

export function AdminOverview() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const overview = useQuery({ ...trpc.admin.overview.queryOptions(), refetchInterval: 10_000 });
  const charts = useQuery(trpc.admin.charts.queryOptions({ days: 30 }));
  const o = overview.data;
  const nf = new Intl.NumberFormat(locale === "zh" ? "zh-CN" : "en");
  const dayLabel = (d: string) => new Date(d + "T00:00:00Z").toLocaleDateString(locale === "zh" ? "zh-CN" : "en", { month: "short", day: "numeric", timeZone: "UTC" });
  const savedPct = o && o.logicalBytes > 0 ? Math.round((o.savedByDedupBytes / o.logicalBytes) * 100) : 0;

  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="admin-overview">
        <Stat testId="stat-users" icon={<Users className="size-4" />} tone="brand" label={t("admin.overview.users")} value={o ? nf.format(o.users) : "—"} sub={o ? t("admin.overview.usersSub", { disabled: o.disabledUsers }) : null} />
        <Stat icon={<FileText className="size-4" />} tone="brand" label={t("admin.overview.files")} value={o ? nf.format(o.files) : "—"} sub={o ? t("admin.overview.filesSub", { folders: nf.format(o.folders) }) : null} />
        <Stat icon={<Activity className="size-4" />} tone="amber" label={t("admin.overview.activeUploads")} value={o ? nf.format(o.activeUploads) : "—"} />
        <Stat icon={<Link2 className="size-4" />} tone="emerald" label={t("admin.overview.liveLinks")} value={o ? nf.format(o.liveLinks) : "—"} />
        <Stat icon={<Layers className="size-4" />} label={t("admin.overview.logical")} value={o ? formatBytes(o.logicalBytes) : "—"} sub={t("admin.overview.logicalSub")} />
        <Stat icon={<HardDrive className="size-4" />} label={t("admin.overview.physical")} value={o ? formatBytes(o.physicalBytes) : "—"} sub={t("admin.overview.physicalSub")} />
        <Stat icon={<Copy className="size-4" />} tone="emerald" label={t("admin.overview.saved")} value={o ? formatBytes(o.savedByDedupBytes) : "—"} sub={t("admin.overview.savedSub", { percent: savedPct })} />
        <Stat
          icon={<Database className="size-4" />}
          tone={o && (!o.database.ok || !o.storage.ok) ? "red" : "emerald"}
          label={`${t("admin.overview.database")} · ${t("admin.overview.storage")}`}
          value={
            o ? (
              <span className="flex items-center gap-3 text-base">
                <Health ok={o.database.ok} label={o.database.mode === "embedded" ? t("admin.overview.embedded") : t("admin.overview.postgres")} />
              </span>
            ) : (
              "—"
            )
          }
          sub={o ? <Health ok={o.storage.ok} label={o.storage.backend === "s3" ? t("admin.overview.s3") : t("admin.overview.local")} /> : null}
        />
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title={t("admin.overview.uploadsPerDay")} subtitle={t("admin.overview.uploadsPerDaySub")}>
          <div className="h-56" data-testid="chart-uploads">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={charts.data?.days ?? []} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
                <CartesianGrid vertical={false} stroke={grid} />
                <XAxis dataKey="day" tickFormatter={dayLabel} tick={axis} tickLine={false} axisLine={false} minTickGap={24} />
                <YAxis allowDecimals={false} tick={axis} tickLine={false} axisLine={false} width={40} />
                <Tooltip
                  contentStyle={tooltipStyle}
                  cursor={{ fill: "rgba(113,113,122,0.1)" }}
                  labelFormatter={(d) => dayLabel(String(d))}
                  formatter={(v, name) => (name === "bytes" ? [formatBytes(Number(v)), t("admin.overview.bytesSeries")] : [nf.format(Number(v)), t("admin.overview.uploadsSeries")])}
                />
                <Bar dataKey="uploads" fill="oklch(0.6 0.19 258)" radius={[4, 4, 0, 0]} maxBarSize={18} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card title={t("admin.overview.bytesPerDay")} subtitle={t("admin.overview.uploadsPerDaySub")}>
          <div className="h-56">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={charts.data?.days ?? []} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
                <CartesianGrid vertical={false} stroke={grid} />
                <XAxis dataKey="day" tickFormatter={dayLabel} tick={axis} tickLine={false} axisLine={false} minTickGap={24} />
                <YAxis tickFormatter={axisBytes} tick={axis} tickLine={false} axisLine={false} width={72} />
                <Tooltip contentStyle={tooltipStyle} cursor={{ fill: "rgba(113,113,122,0.1)" }} labelFormatter={(d) => dayLabel(String(d))} formatter={(v) => [formatBytes(Number(v)), t("admin.overview.bytesSeries")]} />
                <Bar dataKey="bytes" fill="oklch(0.7 0.15 165)" radius={[4, 4, 0, 0]} maxBarSize={18} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card title={t("admin.overview.growth")} subtitle={t("admin.overview.growthSub")}>
          <div className="h-56" data-testid="chart-growth">
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={charts.data?.days ?? []} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
                <defs>
                  <linearGradient id="growthFill" x1="0" y1="0" x2="0" y2="1">
                    <stop offset="0%" stopColor="oklch(0.6 0.19 258)" stopOpacity={0.35} />
                    <stop offset="100%" stopColor="oklch(0.6 0.19 258)" stopOpacity={0} />
                  </linearGradient>
                </defs>
                <CartesianGrid vertical={false} stroke={grid} />
                <XAxis dataKey="day" tickFormatter={dayLabel} tick={axis} tickLine={false} axisLine={false} minTickGap={24} />
                <YAxis tickFormatter={axisBytes} tick={axis} tickLine={false} axisLine={false} width={72} />
                <Tooltip contentStyle={tooltipStyle} labelFormatter={(d) => dayLabel(String(d))} formatter={(v) => [formatBytes(Number(v)), t("admin.overview.logical")]} />
                <Area type="monotone" dataKey="storedBytes" stroke="oklch(0.54 0.2 260)" strokeWidth={2} fill="url(#growthFill)" isAnimationActive={false} />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card title={t("admin.overview.topUsers")}>
          <TopUsers users={charts.data?.topUsers ?? []} loading={charts.isLoading} />
        </Card>
      </div>
    </div>
  );
}

function Health({ ok, label }: { ok: boolean; label: string }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      {ok ? <CheckCircle2 className="size-4 text-emerald-500" /> : <XCircle className="size-4 text-red-500" />}
      {label}
    </span>
  );
}

/** Horizontal bars drawn with plain elements: names stay readable at any length and on a phone. */
function TopUsers({ users, loading }: { users: { id: string; email: string; name: string; usedBytes: number }[]; loading: boolean }) {
  const t = useT();
  if (!loading && users.length === 0) return <p className="py-16 text-center text-sm text-zinc-500">{t("admin.overview.noUsage")}</p>;
  const max = Math.max(1, ...users.map((u) => u.usedBytes));
  return (
    <ol className="space-y-2.5" data-testid="top-users">
      {users.map((u, i) => (
        <li key={u.id} className="grid grid-cols-[1.25rem_minmax(0,1fr)_auto] items-center gap-x-3 text-sm">
          <span className="text-xs text-zinc-400 tabular-nums">{i + 1}</span>
          <div className="min-w-0">
            <div className="flex items-baseline justify-between gap-2">
              <span className="truncate font-medium" title={u.email}>
                {u.name} <span className="font-normal text-zinc-500">{u.email}</span>
              </span>
            </div>
            <div className="mt-1 h-2 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800">
              <div className="h-full rounded-full bg-gradient-to-r from-brand-500 to-sky-400" style={{ width: `${Math.max(2, (u.usedBytes / max) * 100)}%` }} />
            </div>
          </div>
          <span className="text-xs font-medium text-zinc-600 tabular-nums dark:text-zinc-300">{formatBytes(u.usedBytes)}</span>
        </li>
      ))}
    </ol>
  );
}
