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

/** The text between the brace at `open` and its matching close. */
function braced(s: string, open: number): { body: string; end: number } {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "{") depth++;
    else if (s[i] === "}" && --depth === 0) return { body: s.slice(open + 1, i), end: i + 1 };
  }
  return { body: s.slice(open + 1), end: s.length };
}

/**
 * Fills `{name}` and the one ICU form we use, `{count, plural, =0 {…} one {…} other {…}}`
 * (branches may hold placeholders of their own): an exact `=N` first, else the language's own
 * plural category (Intl.PluralRules: English one/other, Chinese always other), else `other`.
 */
export function formatMessage(template: string, params: Params = {}, locale: Locale = "en"): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const plural = /^\{(\w+), plural,\s*/.exec(template.slice(i));
    if (plural) {
      const { body, end } = braced(template, i);
      const options: Record<string, string> = {};
      let rest = body.slice(plural[0].length - 1);
      for (let m = /^\s*(=?\w+)\s*\{/.exec(rest); m; m = /^\s*(=?\w+)\s*\{/.exec(rest)) {
        const b = braced(rest, m[0].length - 1);
        options[m[1]!] = b.body;
        rest = rest.slice(b.end);
      }
      const n = Number(params[plural[1]!]);
      const branch = options[`=${n}`] ?? options[pluralRules(locale).select(n)] ?? options.other ?? "";
      out += formatMessage(branch, params, locale);
      i = end;
      continue;
    }
    const simple = /^\{(\w+)\}/.exec(template.slice(i));
    if (simple) {
      out += String(params[simple[1]!] ?? simple[0]);
      i += simple[0].length;
      continue;
    }
    out += template[i];
    i++;
  }
  return out;
}

const rules = new Map<Locale, Intl.PluralRules>();
const pluralRules = (locale: Locale) => rules.get(locale) ?? rules.set(locale, new Intl.PluralRules(locale === "zh" ? "zh-CN" : "en")).get(locale)!;

export function translateUi(locale: Locale, key: UiKey, params?: Params): string {
  return formatMessage(lookup(locale, key), params, locale);
}
