// Signed URLs of blobs: after one access check the client gets a URL of the bytes themselves,
//   /api/blob/<sha256>/<name>?d=a|i&t=<content type>&n=<size>&e=<expiry>[&k=<storage key>]&s=<HMAC>
// which the server checks with no database query (the MAC covers every field it serves by).
// Expiries are rounded to windows of SIGNED_URL_TTL, so one file gets one URL per window and a
// CDN or nginx's proxy_cache can answer repeats.
import { createHmac, timingSafeEqual } from "node:crypto";
import { ensureAuthSecret, getEnv } from "@/server/env";

export const SIGNED_BLOB_PREFIX = "/api/blob/";
const PATH = /^\/api\/blob\/([0-9a-f]{64})\/([^/]+)$/;

export type BlobDisposition = "inline" | "attachment";

export interface SignedBlob {
  sha256: string;
  /** Where the store keeps it: the sha256 on local disk, an upload id on S3. */
  storageKey: string;
  size: number;
  name: string;
  disposition: BlobDisposition;
  contentType: string;
  /** Unix seconds. */
  expires: number;
}

export type VerifiedBlob = { ok: true; blob: SignedBlob } | { ok: false; reason: "invalid" | "expired" };

/**
 * The window `now` falls in: its start (the signing date of a presigned S3 URL) and the expiry of
 * every URL made in it, the end of the NEXT window, so a URL always lives at least one TTL.
 */
export function signingWindow(nowMs = Date.now(), ttlSeconds = getEnv().signedUrlTtlSeconds): { start: number; expires: number } {
  const start = Math.floor(nowMs / 1000 / ttlSeconds) * ttlSeconds;
  return { start, expires: start + 2 * ttlSeconds };
}

let cachedKey: { secret: string; key: Buffer } | null = null;

/** A key of its own, derived from the server secret: a MAC made here is worthless as any other token. */
function urlKey(): Buffer {
  const secret = process.env.NEXTAUTH_SECRET || ensureAuthSecret(getEnv());
  if (cachedKey?.secret !== secret) cachedKey = { secret, key: createHmac("sha256", secret).update("yunpan signed blob url v1").digest() };
  return cachedKey.key;
}

function mac(b: SignedBlob): Buffer {
  // JSON of a fixed-order array: no field can run into the next, whatever a file name holds.
  const canonical = JSON.stringify([b.sha256, b.storageKey, b.size, b.name, b.disposition, b.contentType, b.expires]);
  return createHmac("sha256", urlKey()).update(canonical).digest();
}

/** The path and query of the blob's URL for this window (relative: the caller adds an origin). */
export function signBlobPath(blob: Omit<SignedBlob, "expires">, nowMs = Date.now()): { path: string; expires: number } {
  const { expires } = signingWindow(nowMs);
  const full = { ...blob, expires };
  const q = new URLSearchParams({ d: blob.disposition === "inline" ? "i" : "a", t: blob.contentType, n: String(blob.size), e: String(expires) });
  if (blob.storageKey !== blob.sha256) q.set("k", blob.storageKey);
  q.set("s", mac(full).toString("base64url"));
  return { path: `${SIGNED_BLOB_PREFIX}${blob.sha256}/${encodeURIComponent(blob.name)}?${q}`, expires };
}

/**
 * URLs whose MAC checked out, with what they verified to: a player or a CDN slice cache asks for
 * many ranges of one URL, and the HMAC (a fresh OpenSSL context per call) was the largest cost of
 * a range request's own code in the issue-15 profile. The key is the whole URL, signature
 * included, so only an exact repeat of a URL that passed the constant-time check is a hit; a
 * forged or altered URL is another key and is checked in full (a lookup compares hashes before
 * any bytes, so it tells nothing about a cached signature). Bounded; emptied when the key changes.
 */
const verified = new Map<string, SignedBlob>();
const VERIFIED_MAX = 1024;
let verifiedKey: Buffer | null = null;

/**
 * Checks a request URL against its MAC (constant time) and its expiry. An expiry further away
 * than the current TTL allows is refused too, so shortening SIGNED_URL_TTL shortens URLs already
 * handed out.
 */
export function verifyBlobUrl(url: string, nowMs = Date.now()): VerifiedBlob {
  const key = urlKey();
  if (verifiedKey !== key) {
    verified.clear();
    verifiedKey = key;
  }
  let blob = verified.get(url);
  if (!blob) {
    const checked = checkBlobMac(url);
    if (!checked) return { ok: false, reason: "invalid" };
    blob = Object.freeze(checked);
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(url, blob);
  }
  const now = nowMs / 1000;
  if (blob.expires <= now || blob.expires > now + 2 * getEnv().signedUrlTtlSeconds) {
    verified.delete(url);
    return { ok: false, reason: "expired" };
  }
  return { ok: true, blob };
}

/** The blob a URL names, when its MAC is right (compared in constant time); null otherwise. */
function checkBlobMac(url: string): SignedBlob | null {
  const [pathname, search = ""] = url.split("?", 2) as [string, string?];
  const m = PATH.exec(pathname);
  if (!m) return null;
  const q = new URLSearchParams(search);
  const [d, t, n, e, s] = ["d", "t", "n", "e", "s"].map((k) => q.get(k));
  if ((d !== "i" && d !== "a") || !t || !n || !/^\d{1,15}$/.test(n) || !e || !/^\d{1,12}$/.test(e) || !s) return null;
  let name: string;
  try {
    name = decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
  const blob: SignedBlob = { sha256: m[1]!, storageKey: q.get("k") ?? m[1]!, size: Number(n), name, disposition: d === "i" ? "inline" : "attachment", contentType: t, expires: Number(e) };
  const given = Buffer.from(s, "base64url");
  const expected = mac(blob);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return blob;
}

export const SIGNED_THUMBNAIL_PREFIX = "/api/thumb/";
const THUMB_PATH = /^\/api\/thumb\/([0-9a-f]{64})\.webp$/;

function thumbnailMac(sha256: string, expires: number): Buffer {
  // Its own canonical form: a thumbnail's MAC is never a valid blob URL's, nor the reverse.
  return createHmac("sha256", urlKey()).update(JSON.stringify(["thumbnail", sha256, expires])).digest();
}

/**
 * The signed URL of a blob's thumbnail for this window (relative): the grid asks for it with no
 * session, and its answer is public and cacheable, so one picture in many folders is one URL.
 */
export function signThumbnailPath(sha256: string, nowMs = Date.now()): string {
  const { expires } = signingWindow(nowMs);
  return `${SIGNED_THUMBNAIL_PREFIX}${sha256}.webp?e=${expires}&s=${thumbnailMac(sha256, expires).toString("base64url")}`;
}

/** Checks a thumbnail URL's MAC (constant time) and expiry, as verifyBlobUrl does. */
export function verifyThumbnailUrl(url: string, nowMs = Date.now()): { ok: true; sha256: string; expires: number } | { ok: false; reason: "invalid" | "expired" } {
  const [pathname, search = ""] = url.split("?", 2) as [string, string?];
  const m = THUMB_PATH.exec(pathname);
  const q = new URLSearchParams(search);
  const e = q.get("e");
  const s = q.get("s");
  if (!m || !e || !/^\d{1,12}$/.test(e) || !s) return { ok: false, reason: "invalid" };
  const given = Buffer.from(s, "base64url");
  const expected = thumbnailMac(m[1]!, Number(e));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
  const now = nowMs / 1000;
  if (Number(e) <= now || Number(e) > now + 2 * getEnv().signedUrlTtlSeconds) return { ok: false, reason: "expired" };
  return { ok: true, sha256: m[1]!, expires: Number(e) };
}
