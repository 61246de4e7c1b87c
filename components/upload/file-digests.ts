// The one read of a file the web client makes before it uploads: its sha256 (for instant upload
// and the server's verification) and, for a direct upload to S3, the Content-MD5 of every part,
// both fed from the same bytes. Plain Blob and hash-wasm, so the hash worker, the bench and the
// tests run this very code.
import { createMD5, createSHA256 } from "hash-wasm";

/** Bytes read at a time: large reads are cheap, and a slice never holds more than this. */
const SLICE = 8 * 1024 * 1024;

export interface FileDigests {
  sha256: string;
  /** The part size the MD5s were computed for, or null when none were asked for. */
  partSize: number | null;
  /** Base64 MD5 of each part, part 1 first (S3's Content-MD5). */
  partMd5s: string[];
}

/** A 16-byte digest as the base64 Content-MD5 header wants it. */
export function base64Digest(digest: Uint8Array): string {
  let s = "";
  for (const b of digest) s += String.fromCharCode(b);
  return btoa(s);
}

/**
 * Reads `file` once, in slices that never cross a part boundary, feeding each slice to the sha256
 * and, with a `partSize`, to the MD5 of its part. The next slice is read while one is hashed.
 */
export async function digestFile(file: Blob, partSize: number | null, onProgress?: (done: number) => void): Promise<FileDigests> {
  const sha = await createSHA256();
  sha.init();
  const md5 = partSize ? await createMD5() : null;
  md5?.init();
  const partMd5s: string[] = [];
  const ends: number[] = [];
  for (let start = 0; start < file.size; ) {
    const partEnd = partSize ? Math.min(file.size, (Math.floor(start / partSize) + 1) * partSize) : file.size;
    const end = Math.min(partEnd, start + SLICE);
    ends.push(end);
    start = end;
  }
  const read = (i: number) => {
    const start = i === 0 ? 0 : ends[i - 1]!;
    return file.slice(start, ends[i]).arrayBuffer();
  };
  let next = ends.length ? read(0) : null;
  for (let i = 0; i < ends.length; i++) {
    const bytes = new Uint8Array(await next!);
    next = i + 1 < ends.length ? read(i + 1) : null;
    sha.update(bytes);
    if (md5) {
      md5.update(bytes);
      if (ends[i] === file.size || ends[i]! % partSize! === 0) {
        partMd5s.push(base64Digest(md5.digest("binary")));
        md5.init();
      }
    }
    onProgress?.(ends[i]!);
  }
  return { sha256: sha.digest("hex"), partSize: md5 ? partSize : null, partMd5s };
}
