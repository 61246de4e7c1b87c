import { extensionOf, isOfKind } from "@/server/drive/file-kinds";

/** How the text of a file is taken out of its bytes. */
export type TextFormat = "text" | "html" | "pdf" | "docx" | "pptx" | "xlsx" | "odf";

const CODE_EXTENSIONS = new Set([
  "js", "mjs", "cjs", "jsx", "ts", "tsx", "py", "rb", "go", "rs", "java", "kt", "c", "h", "cc", "cpp", "hpp", "cs", "php", "swift",
  "sh", "bash", "zsh", "ps1", "sql", "css", "scss", "less", "vue", "svelte", "lua", "r", "scala", "dart", "yaml", "yml", "toml", "ini",
  "conf", "cfg", "env", "xml", "json", "jsonl", "log", "tex", "srt", "vtt", "tsv",
]);
const TEXT_EXTENSIONS = new Set(["txt", "md", "markdown", "csv", "text", "rst", "adoc", "org"]);
const BY_EXTENSION: Record<string, TextFormat> = {
  html: "html", htm: "html", xhtml: "html",
  pdf: "pdf",
  docx: "docx", docm: "docx", dotx: "docx",
  pptx: "pptx", pptm: "pptx",
  xlsx: "xlsx", xlsm: "xlsx",
  odt: "odf", ods: "odf", odp: "odf", ott: "odf",
};
const BY_MIME: Record<string, TextFormat> = {
  "text/html": "html",
  "application/xhtml+xml": "html",
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.oasis.opendocument.text": "odf",
  "application/vnd.oasis.opendocument.spreadsheet": "odf",
  "application/vnd.oasis.opendocument.presentation": "odf",
  "application/json": "text",
  "application/xml": "text",
};

/**
 * The format whose text is indexed for a file, or null when it has none we read (pictures,
 * video, archives, old binary Office files). The extension decides first (uploads often say
 * application/octet-stream), then the MIME type; text/* falls back to plain text.
 */
export function textFormatOf(name: string, mimeType: string | null): TextFormat | null {
  const ext = extensionOf(name);
  if (BY_EXTENSION[ext]) return BY_EXTENSION[ext];
  if (TEXT_EXTENSIONS.has(ext) || CODE_EXTENSIONS.has(ext)) return "text";
  const mime = ((mimeType ?? "").toLowerCase().split(";")[0] ?? "").trim();
  if (BY_MIME[mime]) return BY_MIME[mime];
  // The project's one kind table: a "document" by MIME type that is text/* is read as text.
  if (isOfKind("document", name, mime) && mime.startsWith("text/")) return "text";
  return null;
}
