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

export const SETTING_GROUPS = ["general", "access", "storage", "sharing", "retention"] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** How the page edits a value (the schema alone cannot say "bytes" or "a choice"). */
export type SettingInput =
  | { kind: "choice"; options: readonly { value: string; label: Text }[] }
  | { kind: "bytes"; nullable: boolean; min: number; max: number }
  | { kind: "integer"; nullable: boolean; min: number; max: number; unit: Text }
  | { kind: "text"; maxLength: number }
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
