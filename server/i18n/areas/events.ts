// Server messages of the change log (live views, sync cursors), English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const eventsServerMessages = {
  "changes.cursorReset": {
    en: "This cursor is older than the oldest change kept: list the drive again and continue from a new cursor.",
    zh: "该游标早于保留的最早变更：请重新列出网盘内容，并从新的游标继续。",
  },
} as const satisfies Record<string, Record<Locale, string>>;
