import { strToU8, zipSync } from "fflate";

// Documents for the content search tests, made at run time from minimal parts: no fixture files,
// no fonts. The PDFs carry Chinese as CIDs with a ToUnicode map (what real PDFs do), so a text
// extractor reads the characters without any font program.

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Lines of text split into runs: ASCII (Helvetica) and everything else (a CID font). */
function pdfRuns(line: string): { cjk: boolean; text: string }[] {
  const runs: { cjk: boolean; text: string }[] = [];
  for (const ch of line) {
    const cjk = ch.codePointAt(0)! > 0x7e;
    const last = runs.at(-1);
    if (last && last.cjk === cjk) last.text += ch;
    else runs.push({ cjk, text: ch });
  }
  return runs;
}

/** Lines per page: 14 pt text every 24 pt from y = 750 stays above the bottom margin. */
const PDF_LINES_PER_PAGE = 30;
/** Characters per printed line: a longer line wraps, so no text runs past the page's right edge. */
const PDF_LINE_CHARS = 60;

/** A line cut into printed lines of at most PDF_LINE_CHARS characters (at spaces where there are some). */
function wrapPdfLine(line: string): string[] {
  const out: string[] = [];
  let rest = [...line];
  while (rest.length > PDF_LINE_CHARS) {
    const space = rest.lastIndexOf(" ", PDF_LINE_CHARS);
    const cut = space > 0 ? space : PDF_LINE_CHARS;
    out.push(rest.slice(0, cut).join(""));
    rest = rest.slice(space > 0 ? cut + 1 : cut);
  }
  out.push(rest.join(""));
  return out;
}

/**
 * A PDF with these lines, on as many pages as they need (a text reader only sees what is on a
 * page). `encrypt` adds a Standard security handler whose check value matches no password, so a
 * reader must ask for one. `predefinedCMap` writes Chinese as older Chinese software does: a
 * non-embedded STSong-Light named with the predefined CMap UniGB-UCS2-H and no ToUnicode map, so
 * a reader needs Adobe's GB1 CMaps to get the characters back.
 */
export function makePdf(lines: string[], options: { encrypt?: boolean; predefinedCMap?: boolean } = {}): Buffer {
  const cjkChars = [...new Set(lines.join("").split("").filter((c) => c.codePointAt(0)! > 0x7e))];
  const cid = options.predefinedCMap
    ? (c: string) => c.charCodeAt(0).toString(16).padStart(4, "0")
    : (c: string) => (cjkChars.indexOf(c) + 1).toString(16).padStart(4, "0");
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const printed = lines.flatMap(wrapPdfLine);
  const pages: string[] = [];
  for (let p = 0; p * PDF_LINES_PER_PAGE < Math.max(1, printed.length); p++) {
    let content = "";
    printed.slice(p * PDF_LINES_PER_PAGE, (p + 1) * PDF_LINES_PER_PAGE).forEach((line, i) => {
      content += `BT 1 0 0 1 50 ${750 - i * 24} Tm `;
      for (const run of pdfRuns(line)) content += run.cjk ? `/F2 14 Tf <${[...run.text].map(cid).join("")}> Tj ` : `/F1 14 Tf (${esc(run.text)}) Tj `;
      content += "ET\n";
    });
    pages.push(content);
  }
  const bfchars = cjkChars.map((c) => `<${cid(c)}> <${c.charCodeAt(0).toString(16).padStart(4, "0")}>`).join("\n");
  const cmap = `/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
${cjkChars.length} beginbfchar
${bfchars}
endbfchar endcmap CMapName currentdict /CMap defineresource pop end end`;
  // Objects 1-7 are fixed; each page then takes two (the page and its content stream).
  const pageObj = (p: number) => 8 + 2 * p;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pages.map((_, p) => `${pageObj(p)} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    options.predefinedCMap
      ? "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>"
      : "<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJKsc-Regular /Encoding /Identity-H /DescendantFonts [5 0 R] /ToUnicode 6 0 R >>",
    options.predefinedCMap
      ? "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>"
      : "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJKsc-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 /CIDToGIDMap /Identity >>",
    `<< /Length ${Buffer.byteLength(cmap)} >>\nstream\n${cmap}\nendstream`,
    "<< /Type /FontDescriptor /FontName /NotoSansCJKsc-Regular /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
  ];
  pages.forEach((content, p) => {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageObj(p) + 1} 0 R >>`);
    objects.push(`<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}endstream`);
  });
  if (options.encrypt) objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${"ab".repeat(32)}> /U <${"cd".repeat(32)}> /P -4 >>`);
  let out = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  const enc = options.encrypt ? ` /Encrypt ${objects.length} 0 R /ID [<${"01".repeat(16)}> <${"01".repeat(16)}>]` : "";
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${enc} >>\nstartxref\n${xref}\n%%EOF\n`;
  // Content streams hold UTF-8 only inside the ToUnicode map's hex, so latin1 keeps every byte as written.
  return Buffer.from(out, "latin1");
}

const paragraphs = (lines: string[], open: string, close: string) => lines.map((l) => `${open}${xmlEscape(l)}${close}`).join("");

export function makeDocx(lines: string[]): Buffer {
  const body = paragraphs(lines, '<w:p><w:r><w:t xml:space="preserve">', "</w:t></w:r></w:p>");
  return Buffer.from(
    zipSync({
      "[Content_Types].xml": strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
      "word/document.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
    }),
  );
}

export function makePptx(lines: string[]): Buffer {
  const slide = (l: string) =>
    strToU8(`<?xml version="1.0"?><p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>${xmlEscape(l)}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`);
  const files: Record<string, Uint8Array> = { "[Content_Types].xml": strToU8("<Types/>") };
  lines.forEach((l, i) => (files[`ppt/slides/slide${i + 1}.xml`] = slide(l)));
  return Buffer.from(zipSync(files));
}

export function makeXlsx(lines: string[]): Buffer {
  const shared = `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${paragraphs(lines, "<si><t>", "</t></si>")}</sst>`;
  const rows = lines.map((_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i}</v></c><c r="B${i + 1}"><v>${4200 + i}</v></c></row>`).join("");
  const sheet = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
  return Buffer.from(zipSync({ "[Content_Types].xml": strToU8("<Types/>"), "xl/sharedStrings.xml": strToU8(shared), "xl/worksheets/sheet1.xml": strToU8(sheet) }));
}

export function makeOdt(lines: string[]): Buffer {
  const content = `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>${paragraphs(lines, "<text:p>", "</text:p>")}</office:text></office:body></office:document-content>`;
  return Buffer.from(zipSync({ mimetype: [strToU8("application/vnd.oasis.opendocument.text"), { level: 0 }], "content.xml": strToU8(content) }));
}

export function makeHtml(lines: string[]): Buffer {
  return Buffer.from(`<!doctype html><html><head><title>t</title><style>.x{color:red}</style><script>var hidden = "scriptword";</script></head><body>${paragraphs(lines, "<p>", "</p>")}</body></html>`);
}

/** A .docx whose document part inflates to `mib` MiB of nothing: declared honestly, refused by size. */
export function makeZipBombDocx(mib = 48): Buffer {
  const huge = new Uint8Array(mib * 1024 ** 2).fill(0x20);
  return Buffer.from(zipSync({ "[Content_Types].xml": strToU8("<Types/>"), "word/document.xml": [huge, { level: 9 }] }));
}
