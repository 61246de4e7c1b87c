import { createHash, randomBytes } from "node:crypto";

/** A new link token: 24 random bytes (192 bits) as 32 base64url characters. Shown once. */
export function newShareToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Only this is stored: a lookup by hash, so a database leak gives no working links. */
export function hashShareToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** How a token appears in logs, lists and mails written to the log: its first four characters. */
export function maskShareToken(token: string): string {
  return `${token.slice(0, 4)}…`;
}

/** Masks every `/s/<token>` in a text (log lines, logged mails). */
export function maskShareUrls(text: string): string {
  return text.replace(/\/s\/([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{8,}/g, "/s/$1…");
}
