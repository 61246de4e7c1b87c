import { translate, messages, type Locale, type MessageKey, type MessageParams } from "@/server/i18n/messages";

// zod issues carry a message key plus parameters as their message ("password.tooShort?min=12"),
// so the same schema gives a translated message in a form and in the server's error answer.
export function msg(key: MessageKey, params: MessageParams = {}): string {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return q ? `${key}?${q}` : key;
}

export function translateIssue(message: string, locale: Locale): string {
  const [key, query] = message.split("?", 2) as [string, string | undefined];
  if (!(key in messages)) return message;
  return translate(key as MessageKey, locale, Object.fromEntries(new URLSearchParams(query ?? "")));
}
