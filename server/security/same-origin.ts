/**
 * Whether a request that changes something came from another website. Browsers send `Origin` on
 * every cross-site POST, PATCH and DELETE (and on same-site ones too); a page of this server sends
 * its own origin. Without the header the caller is not a browser page (curl, API clients with a
 * Bearer token, WebDAV clients), and SameSite cookies plus the credentials they carry decide.
 * Matching BASE_URL's origin, or the Host the request was sent to, counts as ours, so a server
 * reached by another name (a LAN address) still works for its own pages. `Origin: null` (sandboxed
 * frames, opaque redirects) is never ours.
 */
export function isForeignOrigin(origin: string | null | undefined, host: string | null | undefined, baseUrl: string): boolean {
  if (origin === undefined || origin === null) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return true;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return true;
  if (parsed.origin === new URL(baseUrl).origin) return false;
  return !host || parsed.host.toLowerCase() !== host.toLowerCase();
}

/** Methods that only read; everything else is checked. */
export function isSafeMethod(method: string | undefined): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}
