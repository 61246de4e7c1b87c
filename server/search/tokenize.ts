import { createRequire } from "node:module";

// Chinese has no spaces, and PostgreSQL's parsers take a whole run of Han characters as one
// "word". So the Latin part of a text goes to to_tsvector('english') (stemming) and the CJK part
// is cut here into lexemes: jieba's words (search mode) plus every 2-character window (bigram), so
// a 2-character word is found even where jieba cut differently. A query cuts the same way.

/** Han ideographs, kana and Hangul: scripts written without spaces between words. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUNS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
/** The most CJK lexemes kept per file (PostgreSQL caps a tsvector at 1 MB). */
const MAX_CJK_LEXEMES = 60_000;

type Cutter = { cutForSearch(s: string, hmm?: boolean): string[]; cut(s: string, hmm?: boolean): string[] };
let jieba: Cutter | null | undefined;

/**
 * jieba with its bundled dictionary, loaded once; null (bigrams only) when the native module
 * cannot load on this platform. createRequire keeps bundlers from inlining the native addon.
 */
export function getJieba(): Cutter | null {
  if (jieba !== undefined) return jieba;
  try {
    const require = createRequire(import.meta.url);
    const { Jieba } = require("@node-rs/jieba") as { Jieba: { withDict(d: Uint8Array): Cutter } };
    const { dict } = require("@node-rs/jieba/dict") as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  } catch {
    jieba = null;
  }
  return jieba;
}

export function hasCjk(s: string): boolean {
  return CJK.test(s);
}

/** The 2-character windows of a CJK run (the run itself when it is one character). */
export function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

const SURROGATE = /[\ud800-\udfff]/;

/** bigrams(run) into `into`; a run of BMP characters (nearly all) is cut without an array of its characters. */
function addBigrams(run: string, into: Set<string>) {
  if (SURROGATE.test(run)) for (const b of bigrams(run)) into.add(b);
  else if (run.length < 2) into.add(run);
  else for (let i = 0; i + 2 <= run.length; i++) into.add(run.slice(i, i + 2));
}

/** The text split for indexing: Latin words for to_tsvector('english'), and the CJK lexemes. */
export function splitForIndex(text: string): { latin: string; cjk: string[] } {
  const lexemes = new Set<string>();
  const runs: string[] = [];
  // One pass over the text: each CJK run gives its bigrams and becomes a space in the Latin part.
  const latin = text.replace(CJK_RUNS, (run) => {
    if (lexemes.size < MAX_CJK_LEXEMES) {
      runs.push(run);
      addBigrams(run, lexemes);
    }
    return " ";
  });
  // One jieba call for all runs (a call per run cost more than the cutting): jieba cuts at every
  // character that is not Han, so runs joined by line breaks are cut as they are one by one.
  const cutter = getJieba();
  if (cutter && runs.length) for (const w of cutter.cutForSearch(runs.join("\n"), false)) if (w.length > 2 && [...w].length > 2) lexemes.add(w);
  return { latin, cjk: [...lexemes].slice(0, MAX_CJK_LEXEMES) };
}

export type QueryTerm = { kind: "latin" | "latin-phrase"; text: string } | { kind: "cjk"; text: string; words: string[] };

/**
 * A search box query as terms: "quoted phrases" stay whole, other words split on spaces; each
 * CJK run becomes a term of its own, with jieba's words for it. All terms must match.
 */
export function parseQuery(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const cutter = getJieba();
  const addCjk = (run: string) => {
    const words = cutter ? cutter.cut(run, false).filter((w) => w.trim()) : [run];
    terms.push({ kind: "cjk", text: run, words });
  };
  const addPart = (part: string, phrase: boolean) => {
    let last = 0;
    for (const m of part.matchAll(CJK_RUNS)) {
      const before = part.slice(last, m.index).trim();
      if (before) terms.push({ kind: phrase ? "latin-phrase" : "latin", text: before });
      addCjk(m[0]);
      last = m.index + m[0].length;
    }
    const rest = part.slice(last).trim();
    if (rest) terms.push({ kind: phrase ? "latin-phrase" : "latin", text: rest });
  };
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of query.normalize("NFC").matchAll(re)) {
    if (m[1] !== undefined) {
      if (m[1].trim()) addPart(m[1], true);
    } else if (m[2]) addPart(m[2], false);
  }
  return terms.filter((t) => /[\p{L}\p{N}]/u.test(t.text));
}

/**
 * The tsquery text for a CJK term: each jieba word must be present, as itself (a long word the
 * index holds) or as all of its bigrams (a 1-character word as a prefix of some bigram). Only
 * CJK characters reach this string, so it needs no quoting beyond the quotes it has.
 */
export function cjkTsquery(term: { text: string; words: string[] }): string {
  const parts = term.words
    .filter((w) => hasCjk(w))
    .map((w) => {
      const chars = [...w];
      if (chars.length === 1) return `'${w}':*`;
      const grams = bigrams(w).map((b) => `'${b}'`).join(" & ");
      return chars.length > 2 ? `( '${w}' | ( ${grams} ) )` : grams;
    });
  return parts.length ? parts.join(" & ") : bigrams(term.text).map((b) => `'${b}'`).join(" & ");
}
