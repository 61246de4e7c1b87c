import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// An empty variable means "not set", so `FOO=` in a compose file falls back to the default.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const bytes = z
  .string()
  .regex(/^\d+\s*([kmgt]i?b?)?$/i, "a number of bytes, optionally with a unit (e.g. 10GiB)")
  .transform(parseByteSize);

export const envSchema = z.object({
  NODE_ENV: optional(z.enum(["development", "production", "test"])),
  PORT: optional(z.coerce.number().int().min(1).max(65535)),
  HOST: optional(z.string()),
  BASE_URL: optional(z.url()),
  DATA_DIR: optional(z.string()),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")),
  AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  SIGNUP: optional(z.enum(["open", "closed"])),
  // The name in the browser's title bar (Admin → Settings when unset).
  SITE_NAME: optional(z.string().max(60, "at most 60 characters")),
  TWO_FACTOR_POLICY: optional(z.enum(["off", "admins", "everyone"])),
  // Share-link rules (also in Admin → Settings): longest expiry, password required, download limit by default.
  SHARE_MAX_EXPIRY_DAYS: optional(z.coerce.number().int().min(1).max(3650)),
  SHARE_PASSWORD_REQUIRED: optional(bool),
  SHARE_DEFAULT_MAX_DOWNLOADS: optional(z.coerce.number().int().min(1).max(1_000_000)),
  DEFAULT_QUOTA_BYTES: optional(bytes),
  // Rate limits (also in Admin → Settings): attempts per window of the limiter in server/security/rate-limit.ts.
  RATE_SIGNIN_ATTEMPTS: optional(z.coerce.number().int().min(3).max(1000)),
  RATE_SIGNIN_IP_ATTEMPTS: optional(z.coerce.number().int().min(5).max(100_000)),
  RATE_SHARE_PASSWORD_ATTEMPTS: optional(z.coerce.number().int().min(3).max(1000)),
  RATE_API_REQUESTS_PER_MINUTE: optional(z.coerce.number().int().min(60).max(1_000_000)),
  RATE_UPLOADS_PER_5_MINUTES: optional(z.coerce.number().int().min(10).max(1_000_000)),
  MAX_UPLOAD_BYTES: optional(bytes),
  // The largest tRPC request body; counted while it streams in, before sign-in checks anything.
  TRPC_MAX_BODY_BYTES: optional(bytes.pipe(z.number().min(1024, "at least 1KiB").max(1024 ** 3, "at most 1GiB"))),
  UPLOAD_EXPIRY_HOURS: optional(z.coerce.number().positive()),
  // The largest file a visitor may drop through an upload link that has no size cap of its own.
  SHARE_DROP_MAX_BYTES: optional(bytes),
  /** Content search: at most this much text is kept and indexed per file. */
  SEARCH_TEXT_MAX_BYTES: optional(bytes.pipe(z.number().min(1024, "at least 1KiB").max(64 * 1024 ** 2, "at most 64MiB"))),
  STORAGE: optional(z.enum(["local", "s3"])),
  S3_ENDPOINT: optional(z.url()),
  S3_REGION: optional(z.string()),
  S3_BUCKET: optional(z.string()),
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
  S3_FORCE_PATH_STYLE: optional(bool),
  S3_PRESIGNED_DOWNLOADS: optional(bool),
  // The bucket's address as browsers reach it, in the URLs signed for them (part uploads, presigned
  // downloads) when the server reaches it another way (an internal name, a private network).
  S3_PUBLIC_ENDPOINT: optional(z.url()),
  // Browsers send upload parts straight to the bucket through presigned URLs (on by default with S3).
  S3_DIRECT_UPLOAD: optional(bool),
  // The smallest S3 part (default 8MiB); parts grow with the upload's length so 10,000 always suffice.
  S3_PART_SIZE: optional(bytes.pipe(z.number().min(5 * 1024 ** 2, "at least 5MiB (the S3 minimum)").max(5 * 1024 ** 3, "at most 5GiB (the S3 maximum)"))),
  // Parts of one upload held in memory at once (filling or on their way to S3).
  S3_UPLOAD_CONCURRENCY: optional(z.coerce.number().int().min(1).max(64)),
  // Memory for parts on their way to S3, all uploads together (default 4 × concurrency × part size).
  S3_UPLOAD_BUFFER: optional(bytes.pipe(z.number().min(5 * 1024 ** 2, "at least 5MiB (one S3 part)"))),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://")),
  SMTP_URL: optional(z.string()),
  MAIL_FROM: optional(z.string()),
  TRASH_DAYS: optional(z.coerce.number().int().min(0)),
  VERSIONS_KEEP: optional(z.coerce.number().int().min(1)),
  VERSIONS_DAYS: optional(z.coerce.number().int().min(0)),
  // Days the change log (live views, sync cursors) keeps; an older cursor is told to resync.
  EVENTS_KEEP_DAYS: optional(z.coerce.number().int().min(1)),
  // Lets webhooks target private, loopback and link-local addresses (SSRF guard off).
  WEBHOOK_ALLOW_PRIVATE: optional(bool),
  METRICS_TOKEN: optional(z.string()),
  LOG_LEVEL: optional(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
  // Behind nginx: downloads answer with X-Accel-Redirect to this internal location (local storage).
  // How long a signed download URL lives: expiries are rounded to windows of this length, so one
  // file gets one URL per window (CDN and nginx caches can serve repeats). e.g. 900, 15m, 1h.
  SIGNED_URL_TTL: optional(
    z
      .string()
      .regex(/^\d+\s*[smh]?$/i, "a duration in seconds, or with a unit: 90s, 15m, 1h")
      .transform(parseDurationSeconds)
      .pipe(z.number().min(60, "at least 60s").max(24 * 3600, "at most 24h")),
  ),
  // Signed download URLs start with this origin (a CDN in front of Yunpan), e.g. https://cdn.example.com
  CDN_BASE_URL: optional(z.url()),
  ACCEL_REDIRECT_PREFIX: optional(z.string().regex(/^\/[\w./-]*\/$/, "must be a path that starts and ends with /, e.g. /_blobs/")),
  // Single sign-on (OpenID Connect) through next-auth; PASSWORD_LOGIN=false leaves passwords to admins.
  OIDC_ISSUER: optional(z.url()),
  OIDC_CLIENT_ID: optional(z.string()),
  OIDC_CLIENT_SECRET: optional(z.string()),
  OIDC_NAME: optional(z.string().max(60)),
  // The claim whose group names are applied at every single sign-on (e.g. groups); unset = no group sync.
  OIDC_GROUPS_CLAIM: optional(z.string().min(1).max(200)),
  PASSWORD_LOGIN: optional(bool),
});

export type Env = ReturnType<typeof resolveEnv>;

export function parseByteSize(input: string): number {
  const m = /^(\d+)\s*([kmgt])?(i)?b?$/i.exec(input.trim());
  if (!m) throw new Error(`not a byte size: ${input}`);
  const power = { k: 1, m: 2, g: 3, t: 4 }[(m[2] ?? "").toLowerCase() as "k"] ?? 0;
  return Number(m[1]) * (m[3] || power === 0 ? 1024 : 1000) ** power;
}

export function parseDurationSeconds(input: string): number {
  const m = /^(\d+)\s*([smh])?$/i.exec(input.trim());
  if (!m) throw new Error(`not a duration: ${input}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? "s").toLowerCase() as "s"];
}

/** Raised for a bad variable; the message names it, and the server exits with it. */
export class EnvError extends Error {}

export function resolveEnv(source: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const port = e.PORT ?? 3000;
  const storage = e.STORAGE ?? "local";
  if (storage === "s3") {
    const missing = (["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const).filter((k) => !e[k]);
    if (missing.length) throw new EnvError(`Invalid configuration:\n  ${missing.join(", ")}: required when STORAGE=s3`);
  }
  if (e.OIDC_ISSUER && (!e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET)) {
    throw new EnvError("Invalid configuration:\n  OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: required when OIDC_ISSUER is set");
  }
  const dataDir = path.resolve(/*turbopackIgnore: true*/ e.DATA_DIR ?? "./data");
  return {
    nodeEnv: e.NODE_ENV ?? "production",
    port,
    host: e.HOST ?? "0.0.0.0",
    baseUrl: (e.BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ""),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    authSecret: e.AUTH_SECRET,
    signup: e.SIGNUP ?? "open",
    defaultQuotaBytes: e.DEFAULT_QUOTA_BYTES ?? null,
    maxUploadBytes: e.MAX_UPLOAD_BYTES ?? 1024 ** 4,
    trpcMaxBodyBytes: e.TRPC_MAX_BODY_BYTES ?? 1024 ** 2,
    uploadExpiryHours: e.UPLOAD_EXPIRY_HOURS ?? 24,
    shareDropMaxBytes: e.SHARE_DROP_MAX_BYTES ?? 1024 ** 3,
    searchTextMaxBytes: e.SEARCH_TEXT_MAX_BYTES ?? 1024 ** 2,
    storage,
    s3: {
      endpoint: e.S3_ENDPOINT,
      publicEndpoint: e.S3_PUBLIC_ENDPOINT ?? e.S3_ENDPOINT,
      region: e.S3_REGION ?? "us-east-1",
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle: e.S3_FORCE_PATH_STYLE ?? true,
      presignedDownloads: e.S3_PRESIGNED_DOWNLOADS ?? false,
      directUpload: e.S3_DIRECT_UPLOAD ?? true,
      partSizeBytes: e.S3_PART_SIZE ?? 8 * 1024 ** 2,
      uploadConcurrency: e.S3_UPLOAD_CONCURRENCY ?? 8,
      uploadBufferBytes: e.S3_UPLOAD_BUFFER ?? 4 * (e.S3_UPLOAD_CONCURRENCY ?? 8) * (e.S3_PART_SIZE ?? 8 * 1024 ** 2),
    },
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? "Yunpan <noreply@localhost>",
    trashDays: e.TRASH_DAYS ?? 30,
    versionsKeep: e.VERSIONS_KEEP ?? 50,
    versionsDays: e.VERSIONS_DAYS ?? null,
    eventsKeepDays: e.EVENTS_KEEP_DAYS ?? 30,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE ?? false,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL ?? "info",
    accelRedirectPrefix: e.ACCEL_REDIRECT_PREFIX ?? null,
    signedUrlTtlSeconds: e.SIGNED_URL_TTL ?? 900,
    cdnBaseUrl: e.CDN_BASE_URL ? e.CDN_BASE_URL.replace(/\/$/, "") : null,
    oidc: e.OIDC_ISSUER ? { issuer: e.OIDC_ISSUER.replace(/\/$/, ""), clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET!, name: e.OIDC_NAME ?? "SSO", groupsClaim: e.OIDC_GROUPS_CLAIM ?? null } : null,
    passwordLogin: e.PASSWORD_LOGIN ?? true,
    siteName: e.SITE_NAME ?? null,
    twoFactorPolicy: e.TWO_FACTOR_POLICY ?? null,
    shareMaxExpiryDays: e.SHARE_MAX_EXPIRY_DAYS ?? null,
    sharePasswordRequired: e.SHARE_PASSWORD_REQUIRED ?? false,
    shareDefaultMaxDownloads: e.SHARE_DEFAULT_MAX_DOWNLOADS ?? null,
    rateLimits: {
      signInAttempts: e.RATE_SIGNIN_ATTEMPTS ?? 10,
      signInIpAttempts: e.RATE_SIGNIN_IP_ATTEMPTS ?? 30,
      sharePasswordAttempts: e.RATE_SHARE_PASSWORD_ATTEMPTS ?? 10,
      apiRequestsPerMinute: e.RATE_API_REQUESTS_PER_MINUTE ?? 6000,
      uploadsPer5Minutes: e.RATE_UPLOADS_PER_5_MINUTES ?? 3000,
    },
    // The variables the deployment set (not defaulted): these fix their setting in Admin → Settings.
    setVars: new Set(Object.keys(e).filter((k) => e[k as keyof typeof e] !== undefined)) as ReadonlySet<string>,
  };
}

const KEY = Symbol.for("yunpan.env");
type G = typeof globalThis & { [KEY]?: Env };

/** The validated configuration, parsed once per process (all bundles share it). */
export function getEnv(): Env {
  const g = globalThis as G;
  return (g[KEY] ??= resolveEnv());
}

/** For tests: replace the process configuration. */
export function setEnvForTests(env: Env) {
  (globalThis as G)[KEY] = env;
}

/**
 * AUTH_SECRET when set; otherwise a secret generated once into DATA_DIR, so a zero-configuration
 * install keeps its sessions across restarts.
 */
export function ensureAuthSecret(env: Env): string {
  if (env.authSecret) return env.authSecret;
  const file = path.join(env.dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(env.dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  return secret;
}
