/** A piece of a file's text around its first match; `marks` are [start, end) ranges in `text` to highlight. */
export interface Snippet {
  text: string;
  marks: [number, number][];
  /** Text was cut before / after the piece. */
  cutBefore: boolean;
  cutAfter: boolean;
}

export interface Needles {
  /** Matched exactly (case-insensitively): CJK terms and their words, phrase words. */
  exact: string[];
  /** Matched at the start of a word: English stems ("upload" marks "uploaded"). */
  prefixes: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every range of `text` a needle matches, sorted and merged. */
export function findMarks(text: string, needles: Needles): [number, number][] {
  const alts = [
    ...needles.exact.filter(Boolean).map(escape),
    ...needles.prefixes.filter(Boolean).map((p) => `(?<![\\p{L}\\p{N}])${escape(p)}[\\p{L}\\p{N}]*`),
  ];
  if (!alts.length) return [];
  // Longest first, so "年度报告" wins over "年度".
  alts.sort((a, b) => b.length - a.length);
  const re = new RegExp(alts.join("|"), "giu");
  const out: [number, number][] = [];
  for (const m of text.matchAll(re)) {
    if (!m[0]) continue;
    const start = m.index;
    const end = start + m[0].length;
    const prev = out.at(-1);
    if (prev && start <= prev[1]) prev[1] = Math.max(prev[1], end);
    else out.push([start, end]);
    if (out.length >= 200) break;
  }
  return out;
}

/** A letter or digit of a script written with spaces between words (a cut inside one splits a word). */
const WORD_CHAR = /^(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}\p{M}]$/u;
/** How far a cut moves to reach a word boundary before it gives up and cuts the word. */
const WORD_REACH = 24;

const isWordChar = (c: string | undefined) => !!c && WORD_CHAR.test(c);

/** Markdown's markup that reads as noise in a snippet: heading and list markers, bold and code marks. */
export function stripMarkdown(text: string): string {
  return text
    .replace(/(^|\n)[ \t]*(?:#{1,6}|[-*+]|>)[ \t]+/g, "$1")
    .replace(/\*\*|__|`+/g, "");
}

/** The snippet around the first match (or the start of the text), about `width` characters long. */
export function makeSnippet(fullText: string, needles: Needles, width = 160): Snippet {
  // Only the region near the first match is scanned for more, so a 1 MiB text costs one regex pass to the first hit.
  const first = findMarks(fullText, needles)[0];
  const center = first ? first[0] : 0;
  let start = Math.max(0, center - Math.floor(width / 3));
  let end = Math.min(fullText.length, start + width);
  start = Math.max(0, Math.min(start, end - width));
  // Cut between words, not inside one (never past the match itself).
  if (start > 0 && isWordChar(fullText[start - 1]) && isWordChar(fullText[start])) {
    let s = start;
    while (s < center && s - start < WORD_REACH && isWordChar(fullText[s])) s++;
    if (!isWordChar(fullText[s]) || s === center) start = s;
  }
  if (end < fullText.length && isWordChar(fullText[end - 1]) && isWordChar(fullText[end])) {
    let e = end;
    const floor = first ? first[1] : start;
    while (e > floor && end - e < WORD_REACH && isWordChar(fullText[e - 1])) e--;
    if (!isWordChar(fullText[e - 1]) || e === floor) end = e;
  }
  // Never cut a surrogate pair.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(fullText[start] ?? "")) start--;
  if (end < fullText.length && /[\uD800-\uDBFF]/.test(fullText[end - 1] ?? "")) end++;
  const text = stripMarkdown(fullText.slice(start, end)).replace(/\s+/g, " ").trim();
  // Markup and whitespace folding change lengths: the marks are found again on the final piece.
  return { text, marks: findMarks(text, needles), cutBefore: start > 0, cutAfter: end < fullText.length };
}
