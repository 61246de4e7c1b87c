// Server messages of the sharing area, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const sharingServerMessages = {} as const satisfies Record<string, Record<Locale, string>>;
