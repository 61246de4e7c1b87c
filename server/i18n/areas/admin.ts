// Server messages of the admin area, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const adminServerMessages = {} as const satisfies Record<string, Record<Locale, string>>;
