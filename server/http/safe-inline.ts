// Which stored files may be shown inside the browser rather than downloaded. Only passive formats:
// a document that can carry script (HTML, SVG, XML, XHTML…) is always an attachment, whatever its
// name says, and text is always shown as text/plain. Every inline answer also carries
// `Content-Security-Policy: sandbox` and nosniff, so even a mislabelled file cannot run script in
// our origin.
const passive = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "video/mp4",
  "video/webm",
  "video/ogg",
  "audio/mpeg",
  "audio/mp4",
  "audio/ogg",
  "audio/wav",
  "audio/webm",
  "audio/flac",
  "application/pdf",
]);
const textual = /^(text\/(plain|markdown|csv|x-[\w.+-]+)|application\/(json|x-yaml|yaml|toml|x-sh|javascript)|text\/javascript)$/;

/** The Content-Type to show the file inline with, or null when it must be downloaded. */
export function inlineContentType(mimeType: string | null): string | null {
  const type = (mimeType ?? "").split(";")[0]!.trim().toLowerCase();
  if (passive.has(type)) return type;
  if (textual.test(type)) return "text/plain; charset=utf-8";
  return null;
}

/**
 * The CSP of an inline answer. Chromium's PDF viewer does not render in a document sandboxed
 * without scripts, so PDFs get `sandbox allow-scripts` — scripts of the viewer, still in an opaque
 * origin with no access to ours (no allow-same-origin); everything else the strict `sandbox`.
 */
export function inlineCsp(contentType: string): string {
  return contentType === "application/pdf" ? "sandbox allow-scripts" : "sandbox";
}

// Text and source files a preview shows as text, whatever type the upload recorded (as
// components/drive/preview-dialog.tsx decides): served as text/plain. Markup (HTML, SVG, XML) stays
// an attachment, as above.
const TEXT_EXTENSIONS = new Set(
  ("txt text md markdown csv tsv log rst tex srt vtt properties lock json jsonc sql " +
    "js jsx mjs cjs ts tsx mts cts java c h cpp cc hpp cs go rs swift kt kts scala php dart css scss less " +
    "py rb sh bash zsh fish yml yaml toml ini cfg conf env r pl dockerfile mk makefile gitignore").split(" "),
);

/** The Content-Type a preview (`?inline=1`) is answered with: inlineContentType, or text/plain for text by its name. */
export function previewContentType(name: string, mimeType: string | null): string | null {
  const passive = inlineContentType(mimeType);
  if (passive) return passive;
  const dot = name.lastIndexOf(".");
  const ext = (dot > 0 ? name.slice(dot + 1) : name).toLowerCase();
  return TEXT_EXTENSIONS.has(ext) ? "text/plain; charset=utf-8" : null;
}
