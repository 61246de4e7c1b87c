// Server messages about the database itself, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const databaseServerMessages = {
  "db.unavailable": { en: "The database is unavailable right now; try again in a moment.", zh: "数据库暂时不可用，请稍后重试。" },
} as const satisfies Record<string, Record<Locale, string>>;
