import { describe, expect, it } from "vitest";
import { hashShareToken, maskShareUrls, newShareToken } from "@/server/security/share-token";
import { linkStatus } from "@/server/share/link-status";

describe("share tokens", () => {
  it("are 32 base64url characters, distinct, and hashed to sha256 hex", () => {
    const a = newShareToken();
    const b = newShareToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a).not.toBe(b);
    expect(hashShareToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashShareToken(a)).toBe(hashShareToken(a));
  });

  it("are masked in logged text, leaving four characters", () => {
    const token = newShareToken();
    const text = `Open it here:\nhttps://pan.example/s/${token}\nand /s/${token}?x=1`;
    const masked = maskShareUrls(text);
    expect(masked).not.toContain(token);
    expect(masked).toContain(`https://pan.example/s/${token.slice(0, 4)}…`);
    expect(masked.match(/…/g)).toHaveLength(2);
  });
});

describe("link status", () => {
  const base = { revokedAt: null, expiresAt: null, maxDownloads: null, downloadCount: 0 };
  it("orders revoked, expired, exhausted", () => {
    const now = new Date("2026-01-01T10:00:00Z");
    expect(linkStatus(base, now)).toBe("active");
    expect(linkStatus({ ...base, expiresAt: new Date("2026-01-01T10:00:00Z") }, now)).toBe("expired");
    expect(linkStatus({ ...base, expiresAt: new Date("2026-01-01T10:01:00Z") }, now)).toBe("active");
    expect(linkStatus({ ...base, maxDownloads: 2, downloadCount: 2 }, now)).toBe("exhausted");
    expect(linkStatus({ ...base, maxDownloads: 2, downloadCount: 2, revokedAt: now }, now)).toBe("revoked");
  });
});
