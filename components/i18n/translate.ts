import { uiMessages, type UiMessages } from "@/components/i18n/ui-messages";
import type { Locale } from "@/server/i18n/messages";

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

export type UiKey = Leaves<UiMessages>;
export type Params = Record<string, string | number>;

function lookup(locale: Locale, key: string): string {
  let node: unknown = uiMessages[locale];
  for (const part of key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  return typeof node === "string" ? node : key;
}

/** Fills `{name}` and the one ICU form we use, `{count, plural, one {…} other {…}}`. */
export function formatMessage(template: string, params: Params = {}): string {
  return template
    .replace(/\{(\w+), plural, one \{([^}]*)\} other \{([^}]*)\}\}/g, (_, p: string, one: string, other: string) =>
      Number(params[p]) === 1 ? one : other,
    )
    .replace(/\{(\w+)\}/g, (_, p: string) => String(params[p] ?? `{${p}}`));
}

export function translateUi(locale: Locale, key: UiKey, params?: Params): string {
  return formatMessage(lookup(locale, key), params);
}
