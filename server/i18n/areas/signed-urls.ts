// Server messages of signed download URLs, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const signedUrlServerMessages = {
  "blob.urlInvalid": {
    en: "This download link is not valid (it was changed or belongs to another file). Open the file again to get a new link.",
    zh: "该下载链接无效（已被修改或属于其他文件）。请重新打开文件以获取新链接。",
  },
  "blob.urlExpired": {
    en: "This download link has expired. Open the file again to get a new link.",
    zh: "该下载链接已过期。请重新打开文件以获取新链接。",
  },
} as const satisfies Record<string, Record<Locale, string>>;
