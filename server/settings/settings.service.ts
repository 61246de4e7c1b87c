import { z } from "zod";
import { getPrisma } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client.ts";
import { getEnv, type Env } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import { getChangeBus } from "@/server/events/change-bus";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { logger } from "@/server/log/logger";
import type { Actor } from "@/server/auth/actor";
import { setLimitPointsSource } from "@/server/security/rate-limit";
import { seal, unseal } from "@/server/security/sealed-secret";
import { LOGO_PATH, LOGO_ROW_KEY, SETTINGS, SETTING_KEYS, isSettingKey, type SettingKey, type SettingSource, type SiteSettings } from "@/server/settings/settings.schemas";

/** The bus topic a replica publishes after it changed settings; every replica then re-reads them. */
export const SETTINGS_TOPIC = "settings";
// A safety net under the bus: a snapshot older than this is re-read in the background on next use.
const STALE_MS = 60_000;
const SECRET_MASK = "••••••";

interface Snapshot {
  env: Env;
  /** The admin's values as stored (only the valid ones). */
  stored: Map<SettingKey, { value: unknown; updatedAt: Date; updatedById: string | null }>;
  values: SiteSettings;
  sources: Record<SettingKey, SettingSource>;
  /** Changes whenever the site logo does (null: the default mark); part of the logo's URL. */
  logoVersion: string | null;
  loadedAt: number;
}

interface Holder {
  snapshot: Snapshot | null;
  loading: Promise<Snapshot> | null;
  /** Reloads started / applied: a slow read that started earlier never overwrites a newer one. */
  started: number;
  applied: number;
}

// One snapshot per process on globalThis: Next's layers and the custom server's bundle share it.
const KEY = Symbol.for("yunpan.settings");
type G = typeof globalThis & { [KEY]?: Holder };

function holder(): Holder {
  return ((globalThis as G)[KEY] ??= { snapshot: null, loading: null, started: 0, applied: 0 });
}

function isFixedByEnv(env: Env, key: SettingKey): boolean {
  return env.setVars.has(SETTINGS[key].env);
}

function compose(env: Env, stored: Snapshot["stored"], loadedAt: number, logoVersion: string | null): Snapshot {
  const values: Record<string, unknown> = {};
  const sources = {} as Record<SettingKey, SettingSource>;
  for (const key of SETTING_KEYS) {
    const def = SETTINGS[key] as (typeof SETTINGS)[SettingKey];
    if (isFixedByEnv(env, key)) {
      values[key] = def.fromEnv(env);
      sources[key] = "env";
    } else if (stored.has(key)) {
      values[key] = stored.get(key)!.value;
      sources[key] = "db";
    } else {
      values[key] = def.defaultValue;
      sources[key] = "default";
    }
  }
  return { env, stored, values: values as SiteSettings, sources, logoVersion, loadedAt };
}

/** Reads every stored setting and makes it this process's snapshot (unless a newer read won). */
export async function reloadSettings(): Promise<Snapshot> {
  const h = holder();
  const generation = ++h.started;
  const prisma = await getPrisma();
  // The logo's bytes stay in the database; a snapshot only learns whether there is one, and its version.
  const [rows, logo] = await Promise.all([
    prisma.siteSetting.findMany({ where: { key: { in: SETTING_KEYS } } }),
    prisma.siteSetting.findUnique({ where: { key: LOGO_ROW_KEY }, select: { updatedAt: true } }),
  ]);
  const stored: Snapshot["stored"] = new Map();
  for (const row of rows) {
    if (!isSettingKey(row.key)) continue;
    // A value an older or newer release wrote that this one cannot read counts as unset.
    const parsed = SETTINGS[row.key].schema.safeParse(unwrap(row.key, row.value));
    if (parsed.success) stored.set(row.key, { value: parsed.data, updatedAt: row.updatedAt, updatedById: row.updatedById });
    else logger.warn({ key: row.key }, "stored setting is not valid; using its default");
  }
  const next = compose(getEnv(), stored, Date.now(), logo ? logoVersionOf(logo.updatedAt) : null);
  if (generation > h.applied) {
    h.applied = generation;
    h.snapshot = next;
  }
  return h.snapshot ?? next;
}

async function currentSnapshot(): Promise<Snapshot> {
  const h = holder();
  const s = h.snapshot;
  if (!s) {
    h.loading ??= reloadSettings().finally(() => {
      h.loading = null;
    });
    return h.loading;
  }
  if (Date.now() - s.loadedAt > STALE_MS && !h.loading) {
    h.loading = reloadSettings()
      .catch((e: Error) => {
        logger.warn({ err: e.message }, "settings reload failed; keeping the last ones");
        return s;
      })
      .finally(() => {
        h.loading = null;
      });
  }
  // The configuration changed under us (tests swap it): the same stored values, composed anew.
  const env = getEnv();
  if (s.env !== env) h.snapshot = compose(env, s.stored, s.loadedAt, s.logoVersion);
  return h.snapshot!;
}

/**
 * The effective settings (environment, else the admin's value, else the default): an in-memory
 * snapshot, cheap enough for every request; the first call of a process reads the database.
 */
export async function getSettings(): Promise<SiteSettings> {
  return (await currentSnapshot()).values;
}

export const logoVersionOf = (updatedAt: Date) => updatedAt.getTime().toString(36);

/** The site's name and logo URL (null: the default mark), for every page's header and the sign-in page. */
export async function getBranding(): Promise<{ siteName: string; logoUrl: string | null }> {
  const s = await currentSnapshot();
  return { siteName: s.values.siteName, logoUrl: s.logoVersion ? `${LOGO_PATH}?v=${s.logoVersion}` : null };
}

/** Applies a change here at once and tells every other replica to re-read from the database. */
export async function announceSettingsChange(): Promise<void> {
  await reloadSettings();
  // A lost message is caught by the other replicas' reconnect reload.
  await getChangeBus()
    .publishTopic(SETTINGS_TOPIC, String(Date.now()))
    .catch((e: Error) => logger.warn({ err: e.message }, "settings change not announced on the bus"));
}

/** Reloads on every replica's "settings changed" and after the bus reconnected (a message may be lost). */
export function startSettingsListener(): () => void {
  const reload = () =>
    void reloadSettings().catch((e: Error) => logger.warn({ err: e.message }, "settings reload failed; keeping the last ones"));
  const bus = getChangeBus();
  const offTopic = bus.subscribeTopic(SETTINGS_TOPIC, reload);
  const offReconnect = bus.subscribeReconnect(reload);
  return () => {
    offTopic();
    offReconnect();
  };
}

// The rate limiter reads its numbers from here on every check, so a changed limit holds at once.
setLimitPointsSource(async () => {
  const s = await getSettings();
  return {
    signInPair: s.rateSignInAttempts,
    signInAccount: s.rateSignInAttempts,
    signInIp: s.rateSignInIpAttempts,
    shareUnlockPair: s.rateSharePasswordAttempts,
    apiTokenUse: s.rateApiRequestsPerMinute,
    uploadCreate: s.rateUploadsPer5Minutes,
  };
});

export function requireAdmin(actor: Actor) {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "auth.adminOnly");
}

const shown = (key: SettingKey, value: unknown) => (SETTINGS[key].secret && value !== null && value !== "" ? SECRET_MASK : value);

export interface SettingView {
  key: SettingKey;
  group: (typeof SETTINGS)[SettingKey]["group"];
  value: unknown;
  defaultValue: unknown;
  source: SettingSource;
  fixedByEnv: boolean;
  env: string;
  secret: boolean;
  updatedAt: Date | null;
}

/** Every setting with its effective value, default and source, for Admin → Settings (secrets masked). */
export async function listSettings(input: { actor: Actor }): Promise<SettingView[]> {
  requireAdmin(input.actor);
  await reloadSettings();
  const s = await currentSnapshot();
  return SETTING_KEYS.map((key) => ({
    key,
    group: SETTINGS[key].group,
    value: shown(key, s.values[key]),
    defaultValue: shown(key, SETTINGS[key].defaultValue),
    source: s.sources[key],
    fixedByEnv: s.sources[key] === "env",
    env: SETTINGS[key].env,
    secret: SETTINGS[key].secret ?? false,
    updatedAt: s.stored.get(key)?.updatedAt ?? null,
  }));
}

/**
 * Validates and stores an admin's changes, audits each (old and new value, secrets masked), applies
 * them here at once and tells every other replica to re-read. A setting fixed by the environment
 * cannot be changed here.
 */
export async function updateSettings(input: { actor: Actor; changes: Record<string, unknown>; meta?: RequestMeta }): Promise<SettingView[]> {
  requireAdmin(input.actor);
  // The mask a secret is listed with means "keep it": the page never sends it, a script might.
  const changes = Object.fromEntries(Object.entries(input.changes).filter(([k, v]) => !(isSettingKey(k) && SETTINGS[k].secret && v === SECRET_MASK)));
  const keys = Object.keys(changes);
  for (const key of keys) if (!isSettingKey(key)) throw new AppError("BAD_REQUEST", "settings.unknown", { key: key.slice(0, 64) });
  const settingKeys = keys as SettingKey[];
  // One zod object of the changed keys: a bad value comes back as a field error under its key.
  const shape = Object.fromEntries(settingKeys.map((k) => [k, SETTINGS[k].schema])) as Record<SettingKey, z.ZodType>;
  const parsed = z.object(shape).parse(changes) as Partial<SiteSettings>;
  const env = getEnv();
  const fixed = settingKeys.find((k) => isFixedByEnv(env, k));
  if (fixed) throw new AppError("BAD_REQUEST", "settings.fixedByEnv", { env: SETTINGS[fixed].env });

  const prisma = await getPrisma();
  const changed = await prisma.$transaction(async (tx) => {
    // Serialises concurrent changes of the same keys, so each audit row's old value is the real one.
    const old = new Map((await tx.siteSetting.findMany({ where: { key: { in: settingKeys } } })).map((r) => [r.key, isSettingKey(r.key) ? unwrap(r.key, r.value) : undefined]));
    const out: { key: SettingKey; old: unknown; new: unknown }[] = [];
    for (const key of settingKeys) {
      const before = old.has(key) && old.get(key) !== undefined ? old.get(key) : SETTINGS[key].defaultValue;
      const after = parsed[key] as unknown;
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      const updatedById = input.actor.via === "cli" ? null : input.actor.userId;
      await tx.siteSetting.upsert({ where: { key }, create: { key, value: wrap(key, after), updatedById }, update: { value: wrap(key, after), updatedById } });
      out.push({ key, old: before, new: after });
    }
    return out;
  });

  if (changed.length > 0) {
    await recordAudit({
      actorId: input.actor.userId,
      action: "settings.changed",
      targetType: "setting",
      targetId: changed.map((c) => c.key).join(",").slice(0, 200),
      meta: input.meta,
      data: { changes: changed.map((c) => ({ key: c.key, old: shown(c.key, c.old), new: shown(c.key, c.new) })) } as Prisma.InputJsonValue,
    });
    await announceSettingsChange();
  }
  return listSettings({ actor: input.actor });
}

// Values are stored as {"v": value}: a setting may be null ("unlimited"), and a bare JSON null in
// a Json column is Prisma's JsonNull, not a value. A secret is stored sealed ({"sealed": …}) under
// a key derived from the server secret, so a copy of the database alone does not hand it out.
const sealPurpose = (key: SettingKey) => `setting:${key}`;
function wrap(key: SettingKey, value: unknown): Prisma.InputJsonValue {
  if (SETTINGS[key].secret && typeof value === "string") return { sealed: seal(sealPurpose(key), value) };
  return { v: value } as Prisma.InputJsonValue;
}
function unwrap(key: SettingKey, stored: Prisma.JsonValue): unknown {
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) return undefined;
  if ("sealed" in stored) return typeof stored.sealed === "string" ? (unseal(sealPurpose(key), stored.sealed) ?? undefined) : undefined;
  return "v" in stored ? stored.v : undefined;
}
