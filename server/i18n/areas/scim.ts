// Server messages of SCIM provisioning (tokens made by an admin; the SCIM endpoint itself answers
// in SCIM's own error documents), English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const scimServerMessages = {
  "scim.tokenName": { en: "Give the SCIM token a name of 1 to 100 characters.", zh: "请为 SCIM 令牌命名（1 到 100 个字符）。" },
  "scim.tokenNotFound": { en: "This SCIM token does not exist.", zh: "该 SCIM 令牌不存在。" },
} as const satisfies Record<string, Record<Locale, string>>;
