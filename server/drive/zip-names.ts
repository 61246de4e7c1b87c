// Entry names of a downloaded archive. A drive name may hold characters that mean a path on
// another system: Windows extractors take `\` as a separator (`..\..\evil.txt` climbs out of the
// target folder) and `C:` as a drive or an NTFS stream. An entry name is therefore "/"-separated
// segments with neither, never absolute, never `.` or `..`, and unique within the archive.

const PATH_CHARS = /[\\:]/g;

/** One name made safe as a path segment: `\` and `:` become `_`; `.`, `..` and "" become `_`. */
export function zipSegment(name: string): string {
  const safe = name.replace(PATH_CHARS, "_");
  return safe === "" || safe === "." || safe === ".." ? "_" : safe;
}

/** True when `path` is a safe entry name: relative, "/"-separated, no `\`, `:`, `.` or `..` segment. */
export function isSafeZipPath(path: string): boolean {
  if (path === "" || path.startsWith("/") || /[\\:\u0000]/.test(path)) return false;
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

/**
 * Names siblings uniquely: a made-safe name that clashes with another (also differing only in case,
 * which Windows and macOS extract over each other) gets " (1)", " (2)"… before its extension.
 * Names that needed no change keep theirs first. Returns one name per input, in the input order.
 */
export function uniqueZipSegments(names: string[]): string[] {
  const taken = new Set<string>();
  const out = new Array<string>(names.length);
  const order = names.map((n, i) => ({ i, safe: zipSegment(n), changed: zipSegment(n) !== n }));
  order.sort((a, b) => Number(a.changed) - Number(b.changed) || a.i - b.i);
  for (const { i, safe } of order) {
    let candidate = safe;
    for (let n = 1; taken.has(candidate.toLowerCase()); n++) candidate = withSuffix(safe, n);
    taken.add(candidate.toLowerCase());
    out[i] = candidate;
  }
  return out;
}

function withSuffix(name: string, n: number): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
