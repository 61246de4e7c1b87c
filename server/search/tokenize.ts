import { createRequire } from "node:module";
import { COMMON_HAN } from "@/server/search/common-han";

// Chinese has no spaces, and PostgreSQL's parsers take a whole run of Han characters as one
// "word". So the Latin part of a text goes to to_tsvector('english') (stemming) and the CJK part
// is cut here: jieba's longer words (search mode) go to the tsvector too, and every 2-character
// window (bigram) goes to an int4[] of bigram codes, so a 2-character word is found even where
// jieba cut differently. A bigram is 4 bytes there, against ~10 in a tsvector (its lexeme and
// entry): at 2 KiB documents the tsvector of bigrams was as big as the text itself.
/** Han ideographs, kana and Hangul: scripts written without spaces between words. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUNS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
/** The most CJK words and bigram codes kept per file (PostgreSQL caps a tsvector at 1 MB). */
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

/**
 * A bigram as an int4: the first character's code unit in the high 16 bits, the second's in the
 * low. Characters beyond the BMP keep their low 16 bits, so a rare pair may share a code with
 * another: that only adds candidates, which the exact check of the query's run removes.
 */
export function bigramCode(a: number, b: number): number {
  return ((a & 0xffff) << 16) | (b & 0xffff);
}

const HAN = /\p{Script=Han}/u;
let rareBmp: Uint8Array | undefined;

/** 1 for each BMP code unit that is a Han character not in COMMON_HAN, built once. */
function rareHanTable(): Uint8Array {
  if (rareBmp) return rareBmp;
  const table = new Uint8Array(0x10000);
  for (let u = 0x2e80; u < 0x10000; u++) {
    const ch = String.fromCharCode(u);
    if (HAN.test(ch) && !COMMON_HAN.has(ch)) table[u] = 1;
  }
  return (rareBmp = table);
}

/** A rare Han character's own code (common-han.ts): the bigram of it and U+0000, which no text holds; null for another character. */
export function unigramCode(ch: string): number | null {
  const cp = ch.codePointAt(0)!;
  const rare = cp < 0x10000 ? rareHanTable()[cp] === 1 : HAN.test(ch);
  return rare ? bigramCode(cp, 0) : null;
}

/** The codes of a run's bigrams, or of its character alone when it has one and that is rare. */
export function bigramCodes(run: string): number[] {
  const cps = Array.from(run, (c) => c.codePointAt(0)!);
  if (cps.length === 1) {
    const code = unigramCode(run);
    return code === null ? [] : [code];
  }
  const out: number[] = [];
  for (let i = 0; i + 1 < cps.length; i++) out.push(bigramCode(cps[i]!, cps[i + 1]!));
  return out;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Into `into`: a run's bigram codes, and the codes of its rare characters. */
function addCodes(run: string, into: Set<number>) {
  if (SURROGATE.test(run)) {
    const chars = Array.from(run);
    for (let i = 0; i < chars.length; i++) {
      const code = unigramCode(chars[i]!);
      if (code !== null) into.add(code);
      if (i + 1 < chars.length) into.add(bigramCode(chars[i]!.codePointAt(0)!, chars[i + 1]!.codePointAt(0)!));
    }
    return;
  }
  // A run of BMP characters (nearly all) is read by code unit, without an array of its characters.
  const rare = rareHanTable();
  for (let i = 0; i < run.length; i++) {
    const u = run.charCodeAt(i);
    if (rare[u] === 1) into.add(bigramCode(u, 0));
    if (i + 1 < run.length) into.add(bigramCode(u, run.charCodeAt(i + 1)));
  }
}

/**
 * The text split for indexing: Latin words for to_tsvector('english'), jieba's words of three or
 * more characters (they rank), and the codes of every CJK bigram and rare Han character (they
 * match), ascending.
 */
export function splitForIndex(text: string): { latin: string; words: string[]; bigrams: Int32Array } {
  const codes = new Set<number>();
  const runs: string[] = [];
  // One pass over the text: each CJK run gives its bigrams and becomes a space in the Latin part.
  const latin = text.replace(CJK_RUNS, (run) => {
    if (codes.size < MAX_CJK_LEXEMES) {
      runs.push(run);
      addCodes(run, codes);
    }
    return " ";
  });
  const words = new Set<string>();
  // One jieba call for all runs (a call per run cost more than the cutting): jieba cuts at every
  // character that is not Han, so runs joined by line breaks are cut as they are one by one.
  const cutter = getJieba();
  if (cutter && runs.length) for (const w of cutter.cutForSearch(runs.join("\n"), false)) if (w.length > 2 && [...w].length > 2) words.add(w);
  return { latin, words: [...words].slice(0, MAX_CJK_LEXEMES), bigrams: Int32Array.from(codes).sort().slice(0, MAX_CJK_LEXEMES) };
}

/**
 * A text with at most this many distinct bigrams stores them as 16-bit hashes (bigramHash), one
 * with more as exact codes. A hash collision only adds a candidate, which the exact check of the
 * query's run removes: at this bound a text is a false candidate of a 2-character query at most
 * ~1.6% of the time, and checking a text this short costs microseconds. A longer text keeps exact
 * codes, since a false candidate would cost reading all of it.
 */
export const HASHED_BIGRAMS_MAX = 1024;

/** A bigram code's 16-bit hash (the high half of a Fibonacci product), as int2. */
export function bigramHash(code: number): number {
  return Math.imul(code, 0x9e3779b1) >> 16;
}

/** A text's bigram codes as the two columns store them: `codes` (int4) or `hashes` (int2), the other empty. */
export function bigramColumns(codes: ArrayLike<number>): { codes: ArrayLike<number>; hashes: number[] } {
  if (codes.length > HASHED_BIGRAMS_MAX) return { codes, hashes: [] };
  return { codes: [], hashes: [...new Set(Array.from(codes, bigramHash))].sort((a, b) => a - b) };
}

/** An int4[] or int2[] literal for PostgreSQL, e.g. {1,-2}. */
export function intArrayLiteral(codes: ArrayLike<number>): string {
  return `{${Array.prototype.join.call(codes, ",")}}`;
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
 * What a CJK term asks of the index: the codes of all its bigrams (a matching text holds the
 * run, so it holds each of them), or of its one character when that is rare (a common one has
 * none, and is found by its exact check alone), and the tsquery of jieba's longer words for it, which rank (null when it has none).
 * Only CJK characters reach the tsquery string, so it needs no quoting beyond its quotes.
 */
export function cjkTerm(term: { text: string; words: string[] }): { codes: number[]; rankQuery: string | null } {
  const long = term.words.filter((w) => hasCjk(w) && [...w].length > 2);
  return { codes: bigramCodes(term.text), rankQuery: long.length ? long.map((w) => `'${w}'`).join(" | ") : null };
}
