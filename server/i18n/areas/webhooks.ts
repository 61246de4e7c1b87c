// Server messages of webhooks (Settings → Integrations, Admin → Webhooks), English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const webhooksServerMessages = {
  "webhooks.urlInvalid": { en: "Enter an http:// or https:// URL.", zh: "请输入以 http:// 或 https:// 开头的网址。" },
  "webhooks.kindUnknown": { en: "Choose event kinds from the list.", zh: "请从列表中选择事件类型。" },
  "webhooks.kindsRequired": { en: "Choose at least one event kind.", zh: "请至少选择一种事件类型。" },
  "webhooks.tooMany": { en: "You can have at most {max} webhooks.", zh: "最多只能创建 {max} 个 Webhook。" },
  "webhooks.notFound": { en: "This webhook does not exist.", zh: "该 Webhook 不存在。" },
  "webhooks.deliveryNotFound": { en: "This delivery does not exist.", zh: "该投递记录不存在。" },
  "webhooks.privateAddress": {
    en: "This address is private, loopback or link-local: webhooks cannot reach it on this server.",
    zh: "该地址属于内网、回环或链路本地地址，本服务器的 Webhook 不能访问它。",
  },
  "webhooks.unresolvable": { en: "The host of this URL does not resolve.", zh: "无法解析该网址的主机名。" },
} as const satisfies Record<string, Record<Locale, string>>;
