import { expect, test } from "vitest";
import { decodeText, extractText, htmlToText, limitText, ZIP_PART_MAX_BYTES } from "@/server/search/extract-core";
import { extractInWorker } from "@/server/search/extractor";
import { findMarks, makeSnippet } from "@/server/search/snippet";
import { textFormatOf } from "@/server/search/text-formats";
import { bigramCode, bigramCodes, bigramColumns, bigramHash, cjkTerm, getJieba, HASHED_BIGRAMS_MAX, intArrayLiteral, parseQuery, splitForIndex, unigramCode } from "@/server/search/tokenize";
import { COMMON_HAN } from "@/server/search/common-han";
import { makeDocx, makeOdt, makePdf, makePptx, makeXlsx, makeZipBombDocx } from "@/server/test/search-corpus";

test("the format comes from the extension first, then the MIME type; pictures have none", () => {
  expect(textFormatOf("a.PDF", "application/octet-stream")).toBe("pdf");
  expect(textFormatOf("notes", "text/markdown")).toBe("text");
  expect(textFormatOf("main.rs", null)).toBe("text");
  expect(textFormatOf("slides.odp", null)).toBe("odf");
  expect(textFormatOf("page", "text/html; charset=utf-8")).toBe("html");
  expect(textFormatOf("photo.jpg", "image/jpeg")).toBeNull();
  expect(textFormatOf("old.doc", "application/msword")).toBeNull();
});

test("text is UTF-8 when valid, GB18030 otherwise; a cut at the limit never splits a character", () => {
  expect(decodeText(new TextEncoder().encode("\ufeff合同 ok"))).toBe("合同 ok");
  expect(decodeText(new Uint8Array([0xba, 0xcf, 0xcd, 0xac]))).toBe("合同");
  const bytes = new TextEncoder().encode("合同合同");
  expect(decodeText(bytes.subarray(0, 7))).toBe("合同");
  expect(limitText("合同合同", 7)).toBe("合同");
  expect(limitText("abc", 7)).toBe("abc");
});

test("HTML loses its tags, scripts, styles and comments, and keeps entities as characters", () => {
  expect(htmlToText("<style>p{}</style><p>A &amp; B</p><!-- x --><script>evil()</script><div>客户&#21512;&#x540C;</div>")).toBe("A & B\n客户合同");
});

test("Office and OpenDocument text comes out of their XML; a zip bomb is refused before inflating", async () => {
  const lines = ["年度报告 <one> & two", "third line"];
  for (const [format, make] of [["docx", makeDocx], ["pptx", makePptx], ["xlsx", makeXlsx], ["odf", makeOdt]] as const) {
    const out = await extractText(format, make(lines), 1024 ** 2);
    expect(out).toEqual({ ok: true, text: expect.any(String) });
    expect(out.ok && out.text).toContain("年度报告 <one> & two");
    expect(out.ok && out.text).toContain("third line");
  }
  const bomb = await extractText("docx", makeZipBombDocx(Math.ceil(ZIP_PART_MAX_BYTES / 1024 ** 2) + 1), 1024 ** 2);
  expect(bomb).toMatchObject({ ok: false, reason: "zip-bomb" });
  expect(await extractText("docx", Buffer.from("PK not a zip"), 1024)).toMatchObject({ ok: false, reason: "malformed" });
});

test("PDF text, Chinese included; an encrypted PDF asks for a password", async () => {
  const out = await extractText("pdf", makePdf(["Hello 世界 report", "第二行"]), 1024 ** 2);
  expect(out).toEqual({ ok: true, text: expect.any(String) });
  expect(out.ok && out.text.replace(/\s+/g, " ")).toMatch(/Hello ?世界 ?report/);
  expect(await extractText("pdf", makePdf(["x"], { encrypt: true }), 1024)).toMatchObject({ ok: false, reason: "encrypted" });
  expect(await extractText("pdf", Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage"), 1024)).toMatchObject({ ok: false, reason: "malformed" });
});

test("a Chinese PDF with a predefined CMap (UniGB-UCS2-H) and no ToUnicode map gives its text", async () => {
  const out = await extractText("pdf", makePdf(["合同金额 contract 年度报告"], { predefinedCMap: true }), 1024 ** 2);
  expect(out.ok && out.text.replace(/\s+/g, " ")).toMatch(/合同金额 ?contract ?年度报告/);
});

test("jieba loads here; the index gets every CJK bigram as a code and jieba's longer words, the Latin part without CJK", () => {
  expect(getJieba()).not.toBeNull();
  const code = (pair: string) => bigramCode(pair.codePointAt(0)!, pair.codePointAt(1)!);
  expect(bigramCodes("年度报告")).toEqual(["年度", "度报", "报告"].map(code));
  // A lone character has a code of its own only when it is rare: 字 is common, 鲲 is not.
  expect(bigramCodes("字")).toEqual([]);
  expect(bigramCodes("鲲")).toEqual([bigramCode("鲲".codePointAt(0)!, 0)]);
  expect([unigramCode("a"), unigramCode("か"), unigramCode("字")]).toEqual([null, null, null]);
  expect(unigramCode("𠀀")).toBe(bigramCode(0x20000, 0));
  expect(COMMON_HAN.size).toBe(1000);
  // Hangul's code units are above 0x7fff: the code is a negative int4, as PostgreSQL's shift makes it.
  expect(bigramCode(0xd55c, 0xae00)).toBe(-715346432);
  // Beyond the BMP the low 16 bits stand for the character (𠀀 is U+20000).
  expect(bigramCodes("𠀀字")).toEqual([bigramCode(0x20000, "字".codePointAt(0)!)]);
  const { latin, words, bigrams } = splitForIndex("Uploaded 中华人民共和国年度报告 today 猫 鲲鹏");
  expect(latin).toBe("Uploaded   today    ");
  expect([...bigrams]).toEqual(expect.arrayContaining([...["中华", "国年", "年度", "报告", "鲲鹏"].map(code), ...["猫", "鲲", "鹏"].map((c) => unigramCode(c)!)]));
  // Only the rare characters have codes of their own: 中 and 年 are common.
  expect(bigrams).not.toContain(bigramCode("中".codePointAt(0)!, 0));
  expect(bigrams).toHaveLength(10 + 1 + 3);
  expect([...bigrams]).toEqual([...bigrams].sort((a, b) => a - b));
  expect(bigrams).toHaveLength(new Set(bigrams).size);
  expect(words).toContain("中华人民共和国");
  expect(words.every((w) => [...w].length > 2)).toBe(true);
  expect(intArrayLiteral(Int32Array.from([3, -1]))).toBe("{3,-1}");
});

test("a short text's bigrams are stored as int2 hashes, a long text's as exact codes", () => {
  for (const code of [0, 1, -1, bigramCode(0x5408, 0x540c), 0x7fffffff, -0x80000000]) {
    const h = bigramHash(code);
    expect(Number.isInteger(h) && h >= -32768 && h <= 32767).toBe(true);
  }
  const short = Int32Array.from({ length: HASHED_BIGRAMS_MAX }, (_, i) => bigramCode(0x4e00 + i, 0x4e00));
  const cols = bigramColumns(short);
  expect(cols.codes).toHaveLength(0);
  expect(cols.hashes).toEqual([...new Set(Array.from(short, bigramHash))].sort((a, b) => a - b));
  // The hash spreads neighbouring codes: 1,024 of them land in (nearly) as many buckets.
  expect(cols.hashes.length).toBeGreaterThan(HASHED_BIGRAMS_MAX * 0.95);
  const long = Int32Array.from({ length: HASHED_BIGRAMS_MAX + 1 }, (_, i) => bigramCode(0x4e00 + i, 0x4e00));
  expect(bigramColumns(long)).toEqual({ codes: long, hashes: [] });
});

test("queries: phrases stay whole, CJK runs become terms, matched by all their bigrams and ranked by jieba's longer words", () => {
  expect(parseQuery('"finance team" 年度报告 uploads')).toEqual([
    { kind: "latin-phrase", text: "finance team" },
    { kind: "cjk", text: "年度报告", words: expect.any(Array) },
    { kind: "latin", text: "uploads" },
  ]);
  expect(parseQuery("report合同")).toMatchObject([{ kind: "latin", text: "report" }, { kind: "cjk", text: "合同" }]);
  expect(parseQuery('"" --')).toEqual([]);
  expect(cjkTerm({ text: "合同", words: ["合同"] })).toEqual({ codes: bigramCodes("合同"), rankQuery: null });
  expect(cjkTerm({ text: "年度报告", words: ["年度报告"] })).toEqual({ codes: bigramCodes("年度报告"), rankQuery: "'年度报告'" });
  expect(cjkTerm({ text: "我", words: ["我"] })).toEqual({ codes: [], rankQuery: null });
  expect(cjkTerm({ text: "鲲", words: ["鲲"] })).toEqual({ codes: [unigramCode("鲲")], rankQuery: null });
});

test("snippets mark stems at word starts and CJK words exactly, near the first match", () => {
  const text = `${"填充 ".repeat(100)}The files were uploaded; 年度报告 follows. reupload is not a match.`;
  const s = makeSnippet(text, { exact: ["年度报告"], prefixes: ["upload"] });
  expect(s.cutBefore).toBe(true);
  expect(s.marks.map(([a, b]) => s.text.slice(a, b))).toEqual(["uploaded", "年度报告"]);
  expect(findMarks("年度报告", { exact: ["年度", "年度报告"], prefixes: [] })).toEqual([[0, 4]]);
  expect(findMarks("a.b(c)", { exact: ["(c)"], prefixes: [] })).toEqual([[3, 6]]);
});

test("the extraction thread gives up on a file that takes too long and the next one still extracts", async () => {
  expect(await extractInWorker("text", new TextEncoder().encode("slow"), 1024, { timeMs: 1 })).toMatchObject({ ok: false, reason: "timeout" });
  const ok = await extractInWorker("text", new TextEncoder().encode("合同 fine"), 1024);
  expect(ok.ok && new TextDecoder().decode(ok.text)).toBe("合同 fine");
  expect(ok.ok && [ok.bigrams, ok.bigramHashes]).toEqual(["{}", `{${bigramHash(bigramCodes("合同")[0]!)}}`]);
}, 120_000);

test("a PDF of many lines lays them out on as many pages as they need, so every line's text is read", async () => {
  // 300 lines (some wrapped) used to sit on one page, most of them below its bottom edge, out of the reader's sight.
  const lines = Array.from({ length: 300 }, (_, i) => (i % 2 ? `第${i}行的内容` : `line${i} ${"word ".repeat(i % 7 === 0 ? 20 : 3)}end${i}`));
  const result = await extractText("pdf", new Uint8Array(makePdf(lines)), 1024 ** 2);
  expect(result.ok).toBe(true);
  const text = result.ok ? result.text : "";
  for (let i = 0; i < lines.length; i++) expect(text).toContain(i % 2 ? `第${i}行的内容` : `end${i}`);
});
