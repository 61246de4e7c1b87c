// Server messages of Admin → Settings (server/settings/), English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const settingsServerMessages = {
  "settings.integerRange": { en: "Enter a whole number from {min} to {max}.", zh: "请输入 {min} 到 {max} 之间的整数。" },
  "settings.bytesRange": { en: "Enter a size from {min} to {max}.", zh: "请输入 {min} 到 {max} 之间的大小。" },
  "settings.choice": { en: "Choose one of the options.", zh: "请从选项中选择一项。" },
  "settings.textLength": { en: "Enter 1 to {max} characters.", zh: "请输入 1 到 {max} 个字符。" },
  "settings.textControl": { en: "The text cannot contain control characters.", zh: "文本不能包含控制字符。" },
  "settings.unknown": { en: "There is no setting named “{key}”.", zh: "没有名为“{key}”的设置。" },
  "settings.fixedByEnv": {
    en: "This setting is fixed by the environment variable {env}: change it in the deployment, or unset the variable to manage it here.",
    zh: "该设置由环境变量 {env} 固定：请在部署配置中修改，或删除该变量后在此管理。",
  },
  "share.passwordRequired": { en: "Links on this server need a password.", zh: "本服务器的分享链接必须设置密码。" },
  "share.expiryRequired": { en: "Links on this server expire within {days} days: choose an expiry date.", zh: "本服务器的分享链接须在 {days} 天内过期，请选择过期时间。" },
  "share.expiryTooLong": { en: "Links on this server expire within {days} days: choose an earlier date.", zh: "本服务器的分享链接须在 {days} 天内过期，请选择更早的日期。" },
} as const satisfies Record<string, Record<Locale, string>>;
