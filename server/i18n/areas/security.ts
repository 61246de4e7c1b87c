// Server messages of the security area, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const securityServerMessages = {
  "dav.lengthRequired": {
    en: "This server needs the file's length up front (Content-Length) for WebDAV uploads.",
    zh: "此服务器的 WebDAV 上传需要预先提供文件长度（Content-Length）。",
  },
} as const satisfies Record<string, Record<Locale, string>>;
