// Server messages about what visitors may drop through upload links, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const dropServerMessages = {
  "share.dropTooLarge": { en: "This link takes files of up to {max} each.", zh: "该链接接收的每个文件最大为 {max}。" },
} as const satisfies Record<string, Record<Locale, string>>;
