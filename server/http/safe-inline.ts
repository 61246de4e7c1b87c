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
