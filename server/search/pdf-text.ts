import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { init, type WrappedPdfiumModule } from "@embedpdf/pdfium";

// PDF text through PDFium (Chrome's PDF engine, compiled to WebAssembly by @embedpdf/pdfium)
// instead of pdf.js: ~3.5× less CPU per document on the search bench's PDFs (41 vs 150 ms per
// 100 KiB PDF, same process, alternating), which was three quarters of all indexing CPU; and
// PDFium carries the predefined CJK CMaps (UniGB-UCS2-H…) that older Chinese PDFs name without
// a ToUnicode map, which pdf.js could not read here (their text came back empty). Runs inside
// the extraction thread, which the main thread kills on its time limit.

/** FPDF_GetLastError's codes that are the file's fault, by what they mean to a person. */
const PASSWORD_ERROR = 4;
const SECURITY_ERROR = 5;
/**
 * PDFium's heap lives in WebAssembly memory, which V8's heap limit does not bound and which
 * never shrinks. A document that grew it past this is refused, and the instance is dropped so
 * the next file starts small again (the build itself caps the heap at 2 GiB).
 */
export const PDF_HEAP_MAX_BYTES = 512 * 1024 ** 2;

export class PdfUnreadable extends Error {
  constructor(readonly reason: "encrypted" | "malformed" | "memory", detail: string) {
    super(detail);
  }
}

let instance: Promise<WrappedPdfiumModule> | null = null;

/** The module's memory as bytes (Emscripten's HEAPU8; its type comes from @types/emscripten, not installed). */
const bytesOf = (m: WrappedPdfiumModule) => (m.pdfium as unknown as { HEAPU8: Uint8Array }).HEAPU8;

function pdfium(): Promise<WrappedPdfiumModule> {
  return (instance ??= (async () => {
    const wasm = await readFile(createRequire(import.meta.url).resolve("@embedpdf/pdfium/pdfium.wasm"));
    const m = await init({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
    m.PDFiumExt_Init();
    return m;
  })());
}

/** The text of a PDF's pages in order, a newline between pages; stops once `maxChars` are read. */
export async function pdfText(bytes: Uint8Array, maxChars: number): Promise<string> {
  const m = await pdfium();
  const heap = m.pdfium;
  const file = heap.wasmExports.malloc(bytes.length);
  let doc = 0;
  try {
    bytesOf(m).set(bytes, file);
    doc = m.FPDF_LoadMemDocument(file, bytes.length, "");
    if (!doc) {
      const code = m.FPDF_GetLastError();
      if (code === PASSWORD_ERROR || code === SECURITY_ERROR) throw new PdfUnreadable("encrypted", "the PDF needs a password");
      throw new PdfUnreadable("malformed", `not a readable PDF (PDFium error ${code})`);
    }
    const pages: string[] = [];
    let chars = 0;
    const count = m.FPDF_GetPageCount(doc);
    for (let i = 0; i < count && chars < maxChars; i++) {
      const text = pageText(m, doc, i);
      pages.push(text);
      chars += text.length;
      if (bytesOf(m).length > PDF_HEAP_MAX_BYTES) {
        instance = null;
        throw new PdfUnreadable("memory", `needed more than ${PDF_HEAP_MAX_BYTES / 1024 ** 2} MB`);
      }
    }
    return pages.join("\n");
  } finally {
    if (doc) m.FPDF_CloseDocument(doc);
    heap.wasmExports.free(file);
  }
}

function pageText(m: WrappedPdfiumModule, doc: number, index: number): string {
  const page = m.FPDF_LoadPage(doc, index);
  if (!page) return "";
  const textPage = m.FPDFText_LoadPage(page);
  try {
    if (!textPage) return "";
    const n = m.FPDFText_CountChars(textPage);
    if (n <= 0) return "";
    // UTF-16LE with a terminating NUL.
    const out = m.pdfium.wasmExports.malloc((n + 1) * 2);
    try {
      const written = m.FPDFText_GetText(textPage, 0, n, out);
      const end = out + Math.max(0, written - 1) * 2;
      return Buffer.from(bytesOf(m).subarray(out, end)).toString("utf16le");
    } finally {
      m.pdfium.wasmExports.free(out);
    }
  } finally {
    if (textPage) m.FPDFText_ClosePage(textPage);
    m.FPDF_ClosePage(page);
  }
}
