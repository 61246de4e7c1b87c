// Server messages about uploading onto a name that already exists, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const uploadConflictServerMessages = {
  "upload.onConflictInvalid": {
    en: "Choose whether a file with the same name gets a new version or is kept beside it.",
    zh: "请选择同名文件是作为新版本上传，还是两者都保留。",
  },
} as const satisfies Record<string, Record<Locale, string>>;
