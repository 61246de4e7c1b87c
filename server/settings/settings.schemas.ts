// The one table of settings an admin changes at run time (Admin → Settings): each with its rule,
// its default, the environment variable that fixes it when set, and its label in English and
// Chinese. Pure data and zod: the settings page imports it too, so a field says what the server says.
import { z } from "zod";
import { msg } from "@/server/i18n/issue";
import type { Env } from "@/server/env";

const KiB = 1024;
const MiB = 1024 ** 2;
const PiB = 1024 ** 5;

type Text = { en: string; zh: string };

export const SETTING_GROUPS = ["general", "access", "storage", "sharing", "retention", "limits", "mail"] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** How the page edits a value (the schema alone cannot say "bytes" or "a choice"). */
export type SettingInput =
  | { kind: "choice"; options: readonly { value: string; label: Text }[] }
  | { kind: "bytes"; nullable: boolean; min: number; max: number }
  | { kind: "integer"; nullable: boolean; min: number; max: number; unit: Text }
  | { kind: "text"; maxLength: number; placeholder?: string }
  /** Write-only: the page never sees the stored value, only whether one is set (null: none). */
  | { kind: "secret"; maxLength: number }
  | { kind: "boolean"; on: Text; off: Text };

export interface SettingDefinition<T> {
  group: SettingGroup;
  schema: z.ZodType<T>;
  defaultValue: T;
  /** The environment variable that, when set, fixes this setting. */
  env: string;
  fromEnv: (env: Env) => T;
  label: Text;
  help: Text;
  input: SettingInput;
  /** Never sent to the browser nor written to the audit log in clear (e.g. an SMTP password). */
  secret?: boolean;
}

const define = <T,>(d: SettingDefinition<T>) => d;

const integer = (min: number, max: number) =>
  z.number({ error: msg("settings.integerRange", { min, max }) }).int({ error: msg("settings.integerRange", { min, max }) }).min(min, { error: msg("settings.integerRange", { min, max }) }).max(max, { error: msg("settings.integerRange", { min, max }) });

const byteSize = (min: number, max: number) => {
  const m = msg("settings.bytesRange", { min: formatSize(min), max: formatSize(max) });
  return z.number({ error: m }).int({ error: m }).min(min, { error: m }).max(max, { error: m });
};

function formatSize(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (n >= 1024 && n % 1024 === 0 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n} ${units[i]}`;
}

const choice = <const V extends readonly [string, ...string[]]>(values: V) => z.enum(values, { error: msg("settings.choice") });

export const SIGNUP_POLICIES = ["open", "closed"] as const;
export const SMTP_SECURITY = ["none", "starttls", "tls"] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** The parts of an SMTP_URL (smtp://user:pass@host:port, smtps:// for TLS), as the SMTP settings show them. */
export function smtpPartsOfUrl(url: string | undefined): { host: string; port: number; security: SmtpSecurity; user: string; password: string | null } {
  try {
    const u = new URL(url ?? "");
    const tls = u.protocol === "smtps:";
    const security: SmtpSecurity = tls ? "tls" : u.searchParams.get("requireTLS") === "true" ? "starttls" : "none";
    return {
      host: u.hostname.replace(/^\[|\]$/g, ""),
      port: u.port ? Number(u.port) : tls ? 465 : 587,
      security,
      user: decodeURIComponent(u.username),
      password: u.password ? decodeURIComponent(u.password) : null,
    };
  } catch {
    return { host: "", port: 587, security: "starttls", user: "", password: null };
  }
}

const rateLimit = (min: number, max: number) => integer(min, max);
const smtpText = (max: number, pattern: RegExp, message: ReturnType<typeof msg>) =>
  z
    .string({ error: message })
    .trim()
    .max(max, { error: message })
    .refine((v) => v === "" || pattern.test(v), { error: message });
// A host name, an IPv4 address or an IPv6 address (letters, digits, dots, hyphens, colons).
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/;
// "Name <address>" or a bare address; no line breaks (they would forge mail headers).
const FROM = /^(?:[^<>\r\n\u0000-\u001f]{0,100}<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;
export const TWO_FACTOR_POLICY_VALUES = ["off", "admins", "everyone"] as const;

export const SETTINGS = {
  siteName: define<string>({
    group: "general",
    schema: z
      .string({ error: msg("settings.textLength", { max: 60 }) })
      .trim()
      .min(1, { error: msg("settings.textLength", { max: 60 }) })
      .max(60, { error: msg("settings.textLength", { max: 60 }) })
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: msg("settings.textControl") }),
    defaultValue: "Yunpan",
    env: "SITE_NAME",
    fromEnv: (e) => e.siteName ?? "Yunpan",
    label: { en: "Site name", zh: "站点名称" },
    help: { en: "Shown in the browser's title bar.", zh: "显示在浏览器标题栏中。" },
    input: { kind: "text", maxLength: 60 },
  }),
  signupPolicy: define<(typeof SIGNUP_POLICIES)[number]>({
    group: "access",
    schema: choice(SIGNUP_POLICIES),
    defaultValue: "open",
    env: "SIGNUP",
    fromEnv: (e) => e.signup,
    label: { en: "Sign-up", zh: "注册" },
    help: {
      en: "Whether anyone may create an account. When closed, admins create accounts (the first account can always be created).",
      zh: "是否允许任何人注册账号。关闭后由管理员创建账号（第一个账号始终可以注册）。",
    },
    input: {
      kind: "choice",
      options: [
        { value: "open", label: { en: "Open: anyone can sign up", zh: "开放：任何人都可以注册" } },
        { value: "closed", label: { en: "Closed: admins create accounts", zh: "关闭：由管理员创建账号" } },
      ],
    },
  }),
  twoFactorPolicy: define<(typeof TWO_FACTOR_POLICY_VALUES)[number]>({
    group: "access",
    schema: choice(TWO_FACTOR_POLICY_VALUES),
    defaultValue: "off",
    env: "TWO_FACTOR_POLICY",
    fromEnv: (e) => e.twoFactorPolicy ?? "off",
    label: { en: "Two-factor sign-in", zh: "两步验证" },
    help: {
      en: "Accounts the policy covers must set up two-factor sign-in before they can use the drive.",
      zh: "策略覆盖的账号必须先设置两步验证才能使用网盘。",
    },
    input: {
      kind: "choice",
      options: [
        { value: "off", label: { en: "Optional for everyone", zh: "所有人可选" } },
        { value: "admins", label: { en: "Required for administrators", zh: "管理员必须开启" } },
        { value: "everyone", label: { en: "Required for everyone", zh: "所有人必须开启" } },
      ],
    },
  }),
  defaultQuotaBytes: define<number | null>({
    group: "storage",
    schema: byteSize(MiB, PiB).nullable(),
    defaultValue: null,
    env: "DEFAULT_QUOTA_BYTES",
    fromEnv: (e) => e.defaultQuotaBytes,
    label: { en: "Default quota", zh: "默认配额" },
    help: {
      en: "Space of an account without a quota of its own; empty means unlimited. Applies to existing accounts too.",
      zh: "未单独设置配额的账号可用的空间；留空表示不限。对已有账号同样生效。",
    },
    input: { kind: "bytes", nullable: true, min: MiB, max: PiB },
  }),
  maxUploadBytes: define<number>({
    group: "storage",
    schema: byteSize(KiB, PiB),
    defaultValue: 1024 ** 4,
    env: "MAX_UPLOAD_BYTES",
    fromEnv: (e) => e.maxUploadBytes,
    label: { en: "Largest upload", zh: "最大上传文件" },
    help: { en: "The largest single file anyone can upload.", zh: "单个文件允许上传的最大大小。" },
    input: { kind: "bytes", nullable: false, min: KiB, max: PiB },
  }),
  shareMaxExpiryDays: define<number | null>({
    group: "sharing",
    schema: integer(1, 3650).nullable(),
    defaultValue: null,
    env: "SHARE_MAX_EXPIRY_DAYS",
    fromEnv: (e) => e.shareMaxExpiryDays,
    label: { en: "Longest link expiry", zh: "链接最长有效期" },
    help: {
      en: "Every new or edited share link expires within this many days (a link without an expiry gets the longest); empty allows links that never expire.",
      zh: "新建或修改的分享链接须在这么多天内过期（未设过期时间的链接按最长期限）；留空则允许永不过期的链接。",
    },
    input: { kind: "integer", nullable: true, min: 1, max: 3650, unit: { en: "days", zh: "天" } },
  }),
  sharePasswordRequired: define<boolean>({
    group: "sharing",
    schema: z.boolean({ error: msg("settings.choice") }),
    defaultValue: false,
    env: "SHARE_PASSWORD_REQUIRED",
    fromEnv: (e) => e.sharePasswordRequired,
    label: { en: "Link password", zh: "链接密码" },
    help: { en: "Whether every new or edited share link must have a password.", zh: "是否要求每个新建或修改的分享链接都设置密码。" },
    input: { kind: "boolean", on: { en: "Required", zh: "必须设置" }, off: { en: "Optional", zh: "可选" } },
  }),
  shareDefaultMaxDownloads: define<number | null>({
    group: "sharing",
    schema: integer(1, 1_000_000).nullable(),
    defaultValue: null,
    env: "SHARE_DEFAULT_MAX_DOWNLOADS",
    fromEnv: (e) => e.shareDefaultMaxDownloads,
    label: { en: "Download limit by default", zh: "默认下载次数上限" },
    help: { en: "The download limit a new link starts with; its owner may change it. Empty: no limit.", zh: "新链接默认的下载次数上限，分享者可以修改。留空表示不限。" },
    input: { kind: "integer", nullable: true, min: 1, max: 1_000_000, unit: { en: "downloads", zh: "次" } },
  }),
  trashDays: define<number>({
    group: "retention",
    schema: integer(0, 3650),
    defaultValue: 30,
    env: "TRASH_DAYS",
    fromEnv: (e) => e.trashDays,
    label: { en: "Keep trash for", zh: "回收站保留" },
    help: { en: "Items in the trash are deleted for good after this many days; 0 empties it at the next run.", zh: "回收站中的项目在这么多天后被永久删除；0 表示下次清理时立即清空。" },
    input: { kind: "integer", nullable: false, min: 0, max: 3650, unit: { en: "days", zh: "天" } },
  }),
  versionsKeep: define<number>({
    group: "retention",
    schema: integer(1, 10_000),
    defaultValue: 50,
    env: "VERSIONS_KEEP",
    fromEnv: (e) => e.versionsKeep,
    label: { en: "Versions kept per file", zh: "每个文件保留的版本数" },
    help: { en: "Older versions beyond this count are removed.", zh: "超过此数量的旧版本会被删除。" },
    input: { kind: "integer", nullable: false, min: 1, max: 10_000, unit: { en: "versions", zh: "个版本" } },
  }),
  versionsDays: define<number | null>({
    group: "retention",
    schema: integer(0, 36_500).nullable(),
    defaultValue: null,
    env: "VERSIONS_DAYS",
    fromEnv: (e) => e.versionsDays,
    label: { en: "Keep old versions for", zh: "旧版本保留" },
    help: { en: "Older versions are removed after this many days; empty keeps them (up to the count above).", zh: "旧版本在这么多天后被删除；留空则一直保留（不超过上面的数量）。" },
    input: { kind: "integer", nullable: true, min: 0, max: 36_500, unit: { en: "days", zh: "天" } },
  }),
  rateSignInAttempts: define<number>({
    group: "limits",
    schema: rateLimit(3, 1000),
    defaultValue: 10,
    env: "RATE_SIGNIN_ATTEMPTS",
    fromEnv: (e) => e.rateLimits.signInAttempts,
    label: { en: "Wrong passwords per account", zh: "每个账号的密码错误次数" },
    help: {
      en: "Failed sign-ins to one account from one address within 15 minutes before that address must wait. Addresses the account signed in from before are never locked out.",
      zh: "同一地址在 15 分钟内对同一账号登录失败达到此次数后须等待。该账号曾登录过的地址不会被锁定。",
    },
    input: { kind: "integer", nullable: false, min: 3, max: 1000, unit: { en: "per 15 min", zh: "次 / 15 分钟" } },
  }),
  rateSignInIpAttempts: define<number>({
    group: "limits",
    schema: rateLimit(5, 100_000),
    defaultValue: 30,
    env: "RATE_SIGNIN_IP_ATTEMPTS",
    fromEnv: (e) => e.rateLimits.signInIpAttempts,
    label: { en: "Failed sign-ins per address", zh: "每个地址的登录失败次数" },
    help: {
      en: "Failed sign-ins from one address within 15 minutes, across all accounts (web and WebDAV). Raise it when many people share one address.",
      zh: "同一地址在 15 分钟内对所有账号（网页和 WebDAV）的登录失败次数。多人共用一个地址时可调高。",
    },
    input: { kind: "integer", nullable: false, min: 5, max: 100_000, unit: { en: "per 15 min", zh: "次 / 15 分钟" } },
  }),
  rateSharePasswordAttempts: define<number>({
    group: "limits",
    schema: rateLimit(3, 1000),
    defaultValue: 10,
    env: "RATE_SHARE_PASSWORD_ATTEMPTS",
    fromEnv: (e) => e.rateLimits.sharePasswordAttempts,
    label: { en: "Wrong share-link passwords", zh: "分享链接密码错误次数" },
    help: {
      en: "Wrong passwords for one share link from one address within 15 minutes before that address must wait.",
      zh: "同一地址在 15 分钟内对同一分享链接输错密码达到此次数后须等待。",
    },
    input: { kind: "integer", nullable: false, min: 3, max: 1000, unit: { en: "per 15 min", zh: "次 / 15 分钟" } },
  }),
  rateApiRequestsPerMinute: define<number>({
    group: "limits",
    schema: rateLimit(60, 1_000_000),
    defaultValue: 6000,
    env: "RATE_API_REQUESTS_PER_MINUTE",
    fromEnv: (e) => e.rateLimits.apiRequestsPerMinute,
    label: { en: "Requests per app password", zh: "每个应用密码的请求数" },
    help: {
      en: "Requests one app password (sync clients, scripts, WebDAV) may make per minute; past it, that one gets “Too many requests” while the account's others go on.",
      zh: "每个应用密码（同步客户端、脚本、WebDAV）每分钟可发出的请求数；超出后该密码收到“请求过多”，该账号的其他应用密码不受影响。",
    },
    input: { kind: "integer", nullable: false, min: 60, max: 1_000_000, unit: { en: "per minute", zh: "次 / 分钟" } },
  }),
  rateUploadsPer5Minutes: define<number>({
    group: "limits",
    schema: rateLimit(10, 1_000_000),
    defaultValue: 3000,
    env: "RATE_UPLOADS_PER_5_MINUTES",
    fromEnv: (e) => e.rateLimits.uploadsPer5Minutes,
    label: { en: "New uploads per account", zh: "每个账号的新上传数" },
    help: {
      en: "Files one account may start uploading within 5 minutes (a dropped folder of thousands of files still fits).",
      zh: "每个账号在 5 分钟内可开始上传的文件数（拖入含数千个文件的文件夹仍在范围内）。",
    },
    input: { kind: "integer", nullable: false, min: 10, max: 1_000_000, unit: { en: "per 5 min", zh: "个 / 5 分钟" } },
  }),
  smtpHost: define<string>({
    group: "mail",
    schema: smtpText(253, HOST, msg("settings.smtpHost")),
    defaultValue: "",
    env: "SMTP_URL",
    fromEnv: (e) => smtpPartsOfUrl(e.smtpUrl).host,
    label: { en: "SMTP server", zh: "SMTP 服务器" },
    help: {
      en: "The host that sends share invitations and notices. Empty: mails are written to the server log instead.",
      zh: "用于发送分享邀请和通知的邮件服务器。留空则邮件只写入服务器日志。",
    },
    input: { kind: "text", maxLength: 253, placeholder: "smtp.example.com" },
  }),
  smtpPort: define<number>({
    group: "mail",
    schema: integer(1, 65535),
    defaultValue: 587,
    env: "SMTP_URL",
    fromEnv: (e) => smtpPartsOfUrl(e.smtpUrl).port,
    label: { en: "Port", zh: "端口" },
    help: { en: "Usually 587 with STARTTLS, 465 with TLS, 25 without encryption.", zh: "通常 STARTTLS 用 587，TLS 用 465，不加密用 25。" },
    input: { kind: "integer", nullable: false, min: 1, max: 65535, unit: { en: "", zh: "" } },
  }),
  smtpSecurity: define<SmtpSecurity>({
    group: "mail",
    schema: choice(SMTP_SECURITY),
    defaultValue: "starttls",
    env: "SMTP_URL",
    fromEnv: (e) => smtpPartsOfUrl(e.smtpUrl).security,
    label: { en: "Encryption", zh: "加密方式" },
    help: { en: "How the connection to the SMTP server is protected.", zh: "与 SMTP 服务器之间连接的保护方式。" },
    input: {
      kind: "choice",
      options: [
        { value: "none", label: { en: "None", zh: "不加密" } },
        { value: "starttls", label: { en: "STARTTLS", zh: "STARTTLS" } },
        { value: "tls", label: { en: "TLS (SMTPS)", zh: "TLS（SMTPS）" } },
      ],
    },
  }),
  smtpUser: define<string>({
    group: "mail",
    schema: smtpText(256, /^[^\r\n\u0000-\u001f]+$/, msg("settings.textMax", { max: 256 })),
    defaultValue: "",
    env: "SMTP_URL",
    fromEnv: (e) => smtpPartsOfUrl(e.smtpUrl).user,
    label: { en: "User name", zh: "用户名" },
    help: { en: "Empty when the server does not ask to sign in.", zh: "服务器不要求登录时留空。" },
    input: { kind: "text", maxLength: 256 },
  }),
  smtpPassword: define<string | null>({
    group: "mail",
    schema: z
      .string({ error: msg("settings.textMax", { max: 256 }) })
      .min(1, { error: msg("settings.textMax", { max: 256 }) })
      .max(256, { error: msg("settings.textMax", { max: 256 }) })
      .nullable(),
    defaultValue: null,
    env: "SMTP_URL",
    fromEnv: (e) => smtpPartsOfUrl(e.smtpUrl).password,
    label: { en: "Password", zh: "密码" },
    help: { en: "Stored on the server and never shown again; type a new one to replace it.", zh: "保存在服务器上，不会再次显示；输入新密码即可替换。" },
    input: { kind: "secret", maxLength: 256 },
    secret: true,
  }),
  mailFrom: define<string>({
    group: "mail",
    schema: z
      .string({ error: msg("settings.mailFrom") })
      .trim()
      .max(200, { error: msg("settings.mailFrom") })
      .regex(FROM, { error: msg("settings.mailFrom") }),
    defaultValue: "Yunpan <noreply@localhost>",
    env: "MAIL_FROM",
    fromEnv: (e) => e.mailFrom,
    label: { en: "Sender", zh: "发件人" },
    help: { en: "The From of every mail, e.g. Yunpan <drive@example.com>.", zh: "所有邮件的发件人，例如 Yunpan <drive@example.com>。" },
    input: { kind: "text", maxLength: 200, placeholder: "Yunpan <drive@example.com>" },
  }),
};

export type SettingKey = keyof typeof SETTINGS;
export type SiteSettings = { [K in SettingKey]: (typeof SETTINGS)[K]["defaultValue"] };
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** Where a value comes from: the environment (fixed), the database (an admin set it) or the default. */
export type SettingSource = "env" | "db" | "default";

/** The input of admin.settings.update: values are checked per key by the service (SETTINGS[key].schema). */
export const updateSettingsSchema = z.object({
  changes: z.record(z.string().max(64), z.unknown()).refine((c) => Object.keys(c).length > 0 && Object.keys(c).length <= 50, { error: msg("input.invalid") }),
});

/** The SMTP settings a test mail is sent with (Admin → Settings sends the form as it stands, unsaved). */
export const SMTP_SETTING_KEYS = ["smtpHost", "smtpPort", "smtpSecurity", "smtpUser", "smtpPassword", "mailFrom"] as const satisfies readonly SettingKey[];

/** The input of admin.settings.sendTestMail: the form's SMTP values, checked per key by the service. */
export const sendTestMailSchema = z.object({
  draft: z.record(z.string().max(64), z.unknown()).refine((c) => Object.keys(c).length <= 20, { error: msg("input.invalid") }).optional(),
});

/** The site logo (Admin → Settings → General): stored re-encoded in the database, served from LOGO_PATH. */
export const LOGO_ROW_KEY = "asset:logo";
export const LOGO_PATH = "/api/site/logo";
export const LOGO_MAX_BYTES = 512 * KiB;
export const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
/** The input of admin.settings.setLogo: the file as base64 (a logo is small; tRPC carries JSON). */
export const setLogoSchema = z.object({
  data: z
    .string()
    .max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 8, { error: msg("logo.tooLarge", { max: formatSize(LOGO_MAX_BYTES) }) })
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: msg("logo.type") }),
});
