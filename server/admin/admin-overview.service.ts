import { readFileSync } from "node:fs";
import { liveLinkWhere } from "@/server/share/share-link.service";
import path from "node:path";
import { getDatabase, getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { requireAdmin } from "@/server/auth/auth.service";
import { getStorageStats } from "@/server/drive/blob-gc.service";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { queueState } from "@/server/jobs/queue";
import type { Actor } from "@/server/auth/actor";

const DAY_MS = 86_400_000;

async function reachable(fn: () => Promise<unknown>): Promise<{ ok: boolean; ms: number; error: string | null }> {
  const started = Date.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error("no answer within 3 s")), 3000))]);
    return { ok: true, ms: Date.now() - started, error: null };
  } catch (e) {
    return { ok: false, ms: Date.now() - started, error: String((e as Error).message ?? e).slice(0, 300) };
  }
}

/** The figures on the first admin page. */
export async function getOverview(input: { actor: Actor }) {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const now = new Date();
  const [users, disabledUsers, files, folders, activeUploads, liveLinks, storage, db, blobs] = await Promise.all([
    prisma.user.count({ where: { kind: "PERSON" } }),
    prisma.user.count({ where: { kind: "PERSON", disabledAt: { not: null } } }),
    prisma.node.count({ where: { kind: "FILE", trashedAt: null } }),
    prisma.node.count({ where: { kind: "FOLDER", trashedAt: null, rootOwnerId: null } }),
    prisma.uploadSession.count({ where: { status: "ACTIVE", expiresAt: { gt: now } } }),
    liveLinkWhere(now).then((where) => prisma.shareLink.count({ where })),
    getStorageStats(),
    getDatabase().then((d) => reachable(() => d.ping()).then((r) => ({ mode: d.mode, ...r }))),
    reachable(() => getBlobStore().check()),
  ]);
  return {
    users,
    disabledUsers,
    files,
    folders,
    activeUploads,
    liveLinks,
    logicalBytes: storage.logicalBytes,
    physicalBytes: storage.physicalBytes,
    savedByDedupBytes: storage.savedByDedupBytes,
    database: db,
    storage: { backend: getEnv().storage, ...blobs },
  };
}

/**
 * Series for the charts: uploads and bytes per day over `days` days (UTC), the stored bytes at the
 * end of each day (growth), and the ten accounts using the most.
 */
export async function getCharts(input: { actor: Actor; days?: number }) {
  requireAdmin(input.actor);
  const days = Math.min(90, Math.max(7, input.days ?? 30));
  const prisma = await getPrisma();
  const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const start = new Date(today.getTime() - (days - 1) * DAY_MS);
  const perDay = await prisma.$queryRaw<{ day: Date; uploads: bigint; bytes: bigint | null }[]>`
    SELECT date_trunc('day', "createdAt") AS day, count(*)::bigint AS uploads, sum(size)::bigint AS bytes
      FROM "FileVersion" WHERE "createdAt" >= ${start} GROUP BY 1 ORDER BY 1`;
  const [before] = await prisma.$queryRaw<{ bytes: bigint | null }[]>`
    SELECT sum(size)::bigint AS bytes FROM "FileVersion" WHERE "createdAt" < ${start}`;
  const byDay = new Map(perDay.map((r) => [new Date(r.day).toISOString().slice(0, 10), r]));
  let total = Number(before?.bytes ?? 0n);
  const series = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(start.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    const row = byDay.get(day);
    const bytes = Number(row?.bytes ?? 0n);
    total += bytes;
    // Growth counts versions as they were added; deletions show in the overview's totals.
    series.push({ day, uploads: Number(row?.uploads ?? 0n), bytes, storedBytes: total });
  }
  const top = await prisma.user.findMany({
    where: { usedBytes: { gt: 0 } },
    orderBy: [{ usedBytes: "desc" }, { email: "asc" }],
    take: 10,
    select: { id: true, email: true, name: true, usedBytes: true },
  });
  return { days: series, topUsers: top.map((u) => ({ id: u.id, email: u.email, name: u.name, usedBytes: Number(u.usedBytes) })) };
}

// Timestamps are stored as UTC without a zone, so date_trunc above cuts UTC days.

/** The version in package.json (the image and the checkout both carry it), read once. */
let version: string | null = null;
function appVersion(): string {
  try {
    version ??= (JSON.parse(readFileSync(path.join(/*turbopackIgnore: true*/ process.cwd(), "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    version = "unknown";
  }
  return version;
}

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL|REDIS_URL|SMTP_URL/;

/** Masks a configuration value unless its name says it is harmless; URLs keep their host. */
export function maskConfigValue(name: string, value: string): string {
  if (!SECRET_NAME.test(name)) return value;
  try {
    const url = new URL(value);
    if (url.protocol && url.host) return `${url.protocol}//•••@${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    // not a URL
  }
  return "••••••••";
}

const CONFIG_NAMES = [
  "BASE_URL", "PORT", "HOST", "DATA_DIR", "DATABASE_URL", "AUTH_SECRET", "SIGNUP", "DEFAULT_QUOTA_BYTES", "MAX_UPLOAD_BYTES",
  "UPLOAD_EXPIRY_HOURS", "STORAGE", "S3_ENDPOINT", "S3_REGION", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
  "S3_FORCE_PATH_STYLE", "S3_PRESIGNED_DOWNLOADS", "S3_PART_SIZE", "S3_UPLOAD_CONCURRENCY", "ACCEL_REDIRECT_PREFIX", "REDIS_URL",
  "SMTP_URL", "MAIL_FROM", "TRASH_DAYS", "VERSIONS_KEEP", "VERSIONS_DAYS", "METRICS_TOKEN", "LOG_LEVEL",
] as const;

/** Version, modes, reachability, the work queue and periodic jobs, and the configuration (secrets masked). */
export async function getSystem(input: { actor: Actor }) {
  requireAdmin(input.actor);
  const env = getEnv();
  const prisma = await getPrisma();
  const database = await getDatabase();
  const [dbCheck, storageCheck, queue, jobs] = await Promise.all([
    reachable(() => database.ping()),
    reachable(() => getBlobStore().check()),
    queueState(),
    prisma.jobRun.findMany({ orderBy: { name: "asc" } }),
  ]);
  const config = CONFIG_NAMES.map((name) => {
    const raw = process.env[name];
    const set = raw !== undefined && raw.trim() !== "";
    return { name, set, value: set ? maskConfigValue(name, raw) : null };
  });
  return {
    version: appVersion(),
    node: process.version,
    uptimeSeconds: Math.round(process.uptime()),
    database: { mode: database.mode, ...dbCheck },
    storage: { backend: env.storage, ...storageCheck },
    redis: env.redisUrl ? "configured" : "off",
    queue,
    jobs: jobs.map((j) => ({
      name: j.name,
      lastStartedAt: j.lastStartedAt,
      lastFinishedAt: j.lastFinishedAt,
      lastError: j.lastError,
      runs: j.runs,
      failures: j.failures,
      nextRunAt: j.leaseUntil,
    })),
    config,
  };
}
