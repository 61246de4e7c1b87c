import { unzipSync, type UnzipFileInfo } from "fflate";
import { PdfUnreadable, pdfText } from "@/server/search/pdf-text";
import type { TextFormat } from "@/server/search/text-formats";

// Runs inside the extraction worker (extract-worker.ts): no database, no server imports.

export type Extracted = { ok: true; text: string } | { ok: false; reason: UnreadableReason; detail?: string };
export type UnreadableReason = "encrypted" | "malformed" | "zip-bomb" | "timeout" | "memory" | "too-large" | "unsupported";

/** An XML part of an Office file bigger than this (declared or real) is refused as a zip bomb. */
export const ZIP_PART_MAX_BYTES = 32 * 1024 ** 2;
/** Nor may all the parts read from one file add up to more than this. */
export const ZIP_TOTAL_MAX_BYTES = 96 * 1024 ** 2;
/** A part that claims to inflate more than this many times its compressed size is a bomb too. */
const ZIP_MAX_RATIO = 200;

class Unreadable extends Error {
  constructor(readonly reason: UnreadableReason, detail?: string) {
    super(detail ?? reason);
  }
}

/** Decodes text bytes: UTF-8 when they are valid UTF-8, else GB18030 (what Chinese Windows writes). */
export function decodeText(bytes: Uint8Array): string {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const body = bytes.subarray(start);
  try {
    // stream: true keeps a character cut by the read limit from counting as invalid.
    return new TextDecoder("utf-8", { fatal: true }).decode(body, { stream: true });
  } catch {
    return new TextDecoder("gb18030").decode(body);
  }
}

/** Cuts text to at most `maxBytes` of UTF-8, never inside a character. */
export function limitText(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** The visible text of an HTML page: scripts, styles and comments dropped, block ends as line breaks. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<\/(p|div|li|tr|h[1-6]|section|article|header|footer|table|ul|ol|pre|blockquote)\s*>|<br\s*\/?>/gi, "\n")
    .replace(/<[^>]*>/g, " ");
  return tidy(decodeEntities(text));
}

function tidy(s: string): string {
  return s.replace(/[ \t\f\v\r\u00a0]+/g, " ").replace(/ *\n[\s]*/g, "\n").trim();
}

/** Text of the elements named `tags` in an XML part, paragraphs (`breaks`) on their own lines. */
function xmlText(xml: string, tags: string[], breaks: string[]): string {
  const out: string[] = [];
  const tagAlt = tags.map((t) => t.replace(":", "\\:")).join("|");
  const breakAlt = breaks.map((t) => t.replace(":", "\\:")).join("|");
  const re = new RegExp(`<(${tagAlt})(?:\\s[^>]*)?>([\\s\\S]*?)</\\1>|</(?:${breakAlt})>|<(?:${breakAlt})\\s*/>`, "g");
  for (const m of xml.matchAll(re)) out.push(m[1] ? decodeEntities((m[2] ?? "").replace(/<[^>]*>/g, "")) : "\n");
  return out.join("");
}

/** Every text node of an OpenDocument content.xml, paragraphs and cells on their own lines. */
function odfText(xml: string): string {
  const body = xml.replace(/<text:s(?:\s[^>]*)?\/>|<text:tab\s*\/>/g, " ").replace(/<\/(text:p|text:h|table:table-cell|text:list-item)>|<text:line-break\s*\/>/g, "\n");
  return tidy(decodeEntities(body.replace(/<[^>]*>/g, "")));
}

/** Reads the wanted parts of a zip, refusing absurd sizes before inflating anything. */
function readZip(bytes: Uint8Array, wanted: (name: string) => boolean): Map<string, string> {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f: UnzipFileInfo) => {
        if (!wanted(f.name)) return false;
        if (f.originalSize > ZIP_PART_MAX_BYTES || (f.originalSize > 1024 ** 2 && f.originalSize > f.size * ZIP_MAX_RATIO)) {
          throw new Unreadable("zip-bomb", `${f.name} declares ${f.originalSize} bytes from ${f.size}`);
        }
        total += f.originalSize;
        if (total > ZIP_TOTAL_MAX_BYTES) throw new Unreadable("zip-bomb", `the parts declare ${total} bytes`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof Unreadable) throw e;
    throw new Unreadable("malformed", `not a readable zip: ${(e as Error).message}`);
  }
  const out = new Map<string, string>();
  for (const [name, data] of Object.entries(files)) {
    // A part that inflated beyond what it declared lied about its size.
    if (data.length > ZIP_PART_MAX_BYTES) throw new Unreadable("zip-bomb", `${name} inflates to ${data.length} bytes`);
    out.set(name, new TextDecoder().decode(data));
  }
  return out;
}

const byNumber = (a: string, b: string) => (Number(/(\d+)\.xml$/.exec(a)?.[1] ?? 0) - Number(/(\d+)\.xml$/.exec(b)?.[1] ?? 0)) || a.localeCompare(b);

function officeText(format: "docx" | "pptx" | "xlsx" | "odf", bytes: Uint8Array): string {
  if (format === "docx") {
    const parts = readZip(bytes, (n) => /^word\/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(n));
    if (!parts.has("word/document.xml")) throw new Unreadable("malformed", "no word/document.xml");
    const order = ["word/document.xml", ...[...parts.keys()].filter((k) => k !== "word/document.xml").sort()];
    return tidy(order.map((k) => xmlText(parts.get(k)!, ["w:t"], ["w:p", "w:br", "w:tab"])).join("\n"));
  }
  if (format === "pptx") {
    const parts = readZip(bytes, (n) => /^ppt\/(slides\/slide|notesSlides\/notesSlide)\d+\.xml$/.test(n));
    const slides = [...parts.keys()].sort(byNumber);
    if (!slides.length) throw new Unreadable("malformed", "no slides");
    return tidy(slides.map((k) => xmlText(parts.get(k)!, ["a:t"], ["a:p"])).join("\n"));
  }
  if (format === "xlsx") {
    const parts = readZip(bytes, (n) => n === "xl/sharedStrings.xml" || /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
    const shared = parts.get("xl/sharedStrings.xml");
    const sheets = [...parts.keys()].filter((k) => k.startsWith("xl/worksheets/")).sort(byNumber);
    if (!shared && !sheets.length) throw new Unreadable("malformed", "no sheets");
    // Shared strings hold the sheet text; inline strings and numbers live in the sheets.
    const inline = sheets.map((k) => xmlText(parts.get(k)!, ["t", "v"], ["row"])).join("\n");
    return tidy([shared ? xmlText(shared, ["t"], ["si"]) : "", inline].join("\n"));
  }
  const parts = readZip(bytes, (n) => n === "content.xml");
  const content = parts.get("content.xml");
  if (!content) throw new Unreadable("malformed", "no content.xml");
  return odfText(content);
}

async function pdfFileText(bytes: Uint8Array, maxBytes: number): Promise<string> {
  try {
    // A character is at least one UTF-8 byte: reading stops at maxBytes characters at the latest.
    return tidy(await pdfText(bytes, maxBytes));
  } catch (e) {
    if (e instanceof PdfUnreadable) throw new Unreadable(e.reason, e.message);
    throw e;
  }
}

/**
 * The text of one file, at most `maxBytes` of UTF-8. Never throws for bad input: what cannot be
 * read comes back as a reason.
 */
export async function extractText(format: TextFormat, bytes: Uint8Array, maxBytes: number): Promise<Extracted> {
  try {
    let text: string;
    if (format === "text") text = decodeText(bytes.subarray(0, maxBytes + 3));
    else if (format === "html") text = htmlToText(decodeText(bytes.subarray(0, maxBytes * 4)));
    else if (format === "pdf") text = await pdfFileText(bytes, maxBytes);
    else text = officeText(format, bytes);
    return { ok: true, text: limitText(text.replace(/\u0000/g, ""), maxBytes) };
  } catch (e) {
    if (e instanceof Unreadable) return { ok: false, reason: e.reason, detail: e.message.slice(0, 300) };
    return { ok: false, reason: "malformed", detail: String((e as Error)?.message ?? e).slice(0, 300) };
  }
}
