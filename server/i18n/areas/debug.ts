// Server messages of the admin's profiling endpoints (Admin → System, /api/admin/debug/*), English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const debugServerMessages = {
  "debug.busy": {
    en: "A CPU profile or heap snapshot is already being taken on this server. Try again when it has finished.",
    zh: "本服务器正在采集 CPU 性能分析或堆快照，请等它完成后再试。",
  },
  "debug.seconds": { en: "The profile length must be a whole number of seconds from 1 to {max}.", zh: "性能分析时长必须是 1 到 {max} 之间的整数秒。" },
  "debug.crossSite": { en: "Profiles can only be requested from Yunpan's own pages or with an API token.", zh: "只能从云盘自己的页面或使用 API 令牌请求性能分析。" },
} as const satisfies Record<string, Record<Locale, string>>;
