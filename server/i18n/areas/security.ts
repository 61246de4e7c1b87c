// Server messages of the security area, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const securityServerMessages = {} as const satisfies Record<string, Record<Locale, string>>;
