import { beforeEach, expect, test } from "vitest";
import { resolveEnv, setEnvForTests } from "@/server/env";
import { S3BlobStore } from "@/server/storage/s3-blob-store";
import { signBlobPath, signingWindow, verifyBlobUrl, type SignedBlob } from "@/server/security/signed-blob-url";

const TTL = 900;
const sha = "ab".repeat(32);
const blob: Omit<SignedBlob, "expires"> = { sha256: sha, storageKey: sha, size: 4096, name: "报告 final.pdf", disposition: "attachment", contentType: "application/pdf" };
// 10:00:00 UTC on a day: the start of a 15-minute window.
const t0 = Date.UTC(2026, 11, 5, 10, 0, 0);

beforeEach(() => {
  delete process.env.NEXTAUTH_SECRET;
  setEnvForTests(resolveEnv({ AUTH_SECRET: "s".repeat(40), SIGNED_URL_TTL: "15m", DATA_DIR: "/nonexistent" }));
});

test("one URL per window, living at least one TTL; the next window gives another", () => {
  const a = signBlobPath(blob, t0 + 1_000);
  const b = signBlobPath(blob, t0 + 899_000);
  expect(b.path).toBe(a.path);
  expect(a.expires).toBe(t0 / 1000 + 2 * TTL);
  const c = signBlobPath(blob, t0 + 900_000);
  expect(c.path).not.toBe(a.path);
  expect(c.expires).toBe(a.expires + TTL);
  expect(signingWindow(t0 + 5_000, TTL)).toEqual({ start: t0 / 1000, expires: t0 / 1000 + 2 * TTL });
});

test("a genuine URL verifies with every field it was signed with", () => {
  const { path } = signBlobPath(blob, t0);
  expect(path.startsWith(`/api/blob/${sha}/${encodeURIComponent(blob.name)}?`)).toBe(true);
  expect(verifyBlobUrl(path, t0 + 60_000)).toEqual({ ok: true, blob: { ...blob, expires: t0 / 1000 + 2 * TTL } });
  // An S3 blob's key travels in the URL, covered by the MAC too.
  const s3 = signBlobPath({ ...blob, storageKey: "0f".repeat(16) }, t0).path;
  expect(verifyBlobUrl(s3, t0)).toMatchObject({ ok: true, blob: { storageKey: "0f".repeat(16) } });
  expect(verifyBlobUrl(s3.replace("k=" + "0f".repeat(16), "k=" + "0e".repeat(16)), t0)).toEqual({ ok: false, reason: "invalid" });
});

test("any changed field, another blob's signature, or another secret is refused", () => {
  const { path } = signBlobPath(blob, t0);
  const u = new URL(path, "http://x");
  const changed = (f: (u: URL) => void) => {
    const c = new URL(u);
    f(c);
    return c.pathname + c.search;
  };
  const tampered = [
    changed((c) => (c.pathname = c.pathname.replace("final", "finaI"))),
    changed((c) => c.searchParams.set("d", "i")),
    changed((c) => c.searchParams.set("t", "text/html")),
    changed((c) => c.searchParams.set("n", "4097")),
    changed((c) => c.searchParams.set("e", String(Number(c.searchParams.get("e")) + 900))),
    changed((c) => c.searchParams.set("s", c.searchParams.get("s")!.replace(/^./, (ch) => (ch === "A" ? "B" : "A")))),
    changed((c) => c.searchParams.delete("s")),
    changed((c) => (c.pathname = c.pathname.replace(sha, "cd".repeat(32)))),
  ];
  for (const p of tampered) expect(verifyBlobUrl(p, t0), p).toEqual({ ok: false, reason: "invalid" });
  // Another blob's signature on this blob's URL.
  const other = new URL(signBlobPath({ ...blob, sha256: "cd".repeat(32), storageKey: "cd".repeat(32) }, t0).path, "http://x");
  expect(verifyBlobUrl(changed((c) => c.searchParams.set("s", other.searchParams.get("s")!)), t0)).toEqual({ ok: false, reason: "invalid" });
  // Verified (and remembered) under this secret, refused under another one.
  expect(verifyBlobUrl(path, t0).ok).toBe(true);
  setEnvForTests(resolveEnv({ AUTH_SECRET: "t".repeat(40), SIGNED_URL_TTL: "15m", DATA_DIR: "/nonexistent" }));
  expect(verifyBlobUrl(path, t0)).toEqual({ ok: false, reason: "invalid" });
});

test("a repeat of a verified URL is answered alike, and a forged signature beside it is still refused", () => {
  const { path } = signBlobPath(blob, t0);
  const first = verifyBlobUrl(path, t0);
  expect(verifyBlobUrl(path, t0 + 1000)).toEqual(first);
  const s = new URL(path, "http://x").searchParams.get("s")!;
  const flipped = s.slice(0, -1) + (s.endsWith("A") ? "B" : "A");
  expect(verifyBlobUrl(path.replace(`s=${s}`, `s=${flipped}`), t0)).toEqual({ ok: false, reason: "invalid" });
  expect(verifyBlobUrl(path, t0)).toEqual(first);
});

test("expired at the end of the following window; a shortened TTL shortens URLs already out", () => {
  const { path, expires } = signBlobPath(blob, t0);
  expect(verifyBlobUrl(path, expires * 1000 - 1).ok).toBe(true);
  expect(verifyBlobUrl(path, expires * 1000)).toEqual({ ok: false, reason: "expired" });
  setEnvForTests(resolveEnv({ AUTH_SECRET: "s".repeat(40), SIGNED_URL_TTL: "60", DATA_DIR: "/nonexistent" }));
  expect(verifyBlobUrl(path, t0)).toEqual({ ok: false, reason: "expired" });
});

test("SIGNED_URL_TTL: units, bounds, default", () => {
  expect(resolveEnv({}).signedUrlTtlSeconds).toBe(900);
  expect(resolveEnv({ SIGNED_URL_TTL: "1h" }).signedUrlTtlSeconds).toBe(3600);
  expect(resolveEnv({ SIGNED_URL_TTL: "120" }).signedUrlTtlSeconds).toBe(120);
  expect(() => resolveEnv({ SIGNED_URL_TTL: "30s" })).toThrow(/SIGNED_URL_TTL/);
  expect(() => resolveEnv({ SIGNED_URL_TTL: "2d" })).toThrow(/SIGNED_URL_TTL/);
  expect(resolveEnv({ CDN_BASE_URL: "https://cdn.example.com/" }).cdnBaseUrl).toBe("https://cdn.example.com");
});

test("a presigned S3 GET signed as of the window's start is the same URL all window long", async () => {
  const store = new S3BlobStore({ endpoint: "http://127.0.0.1:9", region: "us-east-1", bucket: "b", accessKeyId: "AK", secretAccessKey: "SK", forcePathStyle: true });
  const presign = (nowMs: number) => {
    const { start, expires } = signingWindow(nowMs, TTL);
    return store.presignGet("0f".repeat(16), { filename: "a.bin", contentType: "application/octet-stream", expiresSeconds: expires - start, signingDate: new Date(start * 1000) });
  };
  const a = await presign(t0 + 3_000);
  expect(await presign(t0 + 897_000)).toBe(a);
  expect(await presign(t0 + 900_000)).not.toBe(a);
  const q = new URL(a).searchParams;
  expect(q.get("X-Amz-Date")).toBe("20261205T100000Z");
  expect(q.get("X-Amz-Expires")).toBe(String(2 * TTL));
});
