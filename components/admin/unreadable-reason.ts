import type { Params, UiKey } from "@/components/i18n/translate";

// The index records why a file could not be read as "<code>: <detail>", the detail in English
// (server/search/extract-core.ts, extractor.ts, search-index.service.ts). The System page shows
// both in the reader's language: known details are recognised here and translated, with their
// numbers and part names kept; others (a library's own message) are shown as written.

export const REASONS = ["encrypted", "malformed", "zip-bomb", "timeout", "memory", "too-large", "unsupported"] as const;
export type ReasonCode = (typeof REASONS)[number];

type T = (key: UiKey, params?: Params) => string;

const DETAILS: [RegExp, (m: RegExpMatchArray, t: T) => string][] = [
  [/^took longer than (\d+) s$/, (m, t) => t("contentSearch.details.timeLimit", { seconds: m[1]! })],
  [/^needed more than (\d+) MB$/, (m, t) => t("contentSearch.details.memoryLimit", { mb: m[1]! })],
  [/^the PDF needs a password$/, (_m, t) => t("contentSearch.details.password")],
  [/^(\d+) bytes$/, (m, t) => t("contentSearch.details.bytes", { bytes: m[1]! })],
  [/^(\S+) declares (\d+) bytes from (\d+)$/, (m, t) => t("contentSearch.details.declares", { part: m[1]!, size: m[2]!, packed: m[3]! })],
  [/^the parts declare (\d+) bytes$/, (m, t) => t("contentSearch.details.partsDeclare", { size: m[1]! })],
  [/^(\S+) inflates to (\d+) bytes$/, (m, t) => t("contentSearch.details.inflates", { part: m[1]!, size: m[2]! })],
  [/^no (\S+|slides|sheets)$/, (m, t) => t("contentSearch.details.missing", { part: m[1]! })],
  [/^not a readable (zip|PDF): ([\s\S]*)$/, (m, t) => t("contentSearch.details.notReadable", { format: m[1]!, message: m[2]! })],
  [/^the extraction thread stopped \((-?\d+)\)$/, (m, t) => t("contentSearch.details.threadStopped", { code: m[1]! })],
];

/** "zip-bomb: word/document.xml declares …" → the reason's code (null when unknown) and its detail, translated when known. */
export function describeReason(reason: string, t: T): { code: ReasonCode | null; detail: string } {
  const [head = "", ...rest] = reason.split(": ");
  const code = (REASONS as readonly string[]).includes(head) ? (head as ReasonCode) : null;
  const detail = code ? rest.join(": ") : reason;
  for (const [re, render] of DETAILS) {
    const m = detail.match(re);
    if (m) return { code, detail: render(m, t) };
  }
  return { code, detail };
}
