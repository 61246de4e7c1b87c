/**
 * `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 + RFC 5987): an ASCII fallback for old
 * clients, and the exact UTF-8 name (Chinese names survive) for everyone else.
 */
export function contentDisposition(name: string, type: "attachment" | "inline" = "attachment"): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_") || "download";
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
