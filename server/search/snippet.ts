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

/** The snippet around the first match (or the start of the text), about `width` characters long. */
export function makeSnippet(fullText: string, needles: Needles, width = 160): Snippet {
  // Only the region near the first match is scanned for more, so a 1 MiB text costs one regex pass to the first hit.
  const first = findMarks(fullText, needles)[0];
  const center = first ? first[0] : 0;
  let start = Math.max(0, center - Math.floor(width / 3));
  let end = Math.min(fullText.length, start + width);
  start = Math.max(0, Math.min(start, end - width));
  // Never cut a surrogate pair.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(fullText[start] ?? "")) start--;
  if (end < fullText.length && /[\uD800-\uDBFF]/.test(fullText[end - 1] ?? "")) end++;
  const text = fullText.slice(start, end).replace(/\s+/g, " ");
  // Whitespace folding keeps lengths only when it maps one char to one: recompute on the folded piece.
  return { text, marks: findMarks(text, needles), cutBefore: start > 0, cutAfter: end < fullText.length };
}
