export const DAV_PREFIX = "/dav";

export class DavPathError extends Error {}

/**
 * The drive-relative segments of a /dav/ URL path: percent-decoded, NFC (as names are stored), with
 * empty segments (a trailing or doubled slash) dropped. Null when the path is not under /dav/.
 */
export function davSegments(pathname: string): string[] | null {
  if (pathname !== DAV_PREFIX && !pathname.startsWith(DAV_PREFIX + "/")) return null;
  const out: string[] = [];
  for (const raw of pathname.slice(DAV_PREFIX.length).split("/")) {
    if (raw === "") continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw new DavPathError("malformed percent-encoding");
    }
    if (seg === "." || seg === ".." || seg.includes("/") || seg.includes("\u0000")) throw new DavPathError("bad segment");
    out.push(seg.normalize("NFC"));
  }
  return out;
}

/** The segments of a Destination header (absolute URL or absolute path), or null if not ours. */
export function destinationSegments(header: string | undefined, host: string | undefined): string[] | null {
  if (!header) return null;
  let pathname: string;
  try {
    const url = new URL(header, `http://${host ?? "localhost"}`);
    pathname = url.pathname;
  } catch {
    return null;
  }
  return davSegments(pathname);
}

/** Lock paths: "" for the root, "/a/b" below it. */
export const lockPath = (segments: string[]) => segments.map((s) => "/" + s).join("");

export function href(segments: string[], isFolder: boolean): string {
  const p = DAV_PREFIX + "/" + segments.map(encodeSegment).join("/");
  return isFolder ? (p.endsWith("/") ? p : p + "/") : p;
}

/** encodeURIComponent keeps !'()* as they are; clients parse them fine, but & and ' matter in XML. */
function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}
