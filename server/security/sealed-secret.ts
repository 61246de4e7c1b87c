import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { ensureAuthSecret, getEnv } from "@/server/env";

// Secrets the server must read back (a TOTP seed, a webhook's signing secret) are sealed with
// AES-256-GCM under a key derived from the server secret and the purpose, so a copy of the
// database alone hands out none of them, and a value sealed for one purpose opens for no other.

function sealKey(purpose: string): Buffer {
  const secret = process.env.NEXTAUTH_SECRET || ensureAuthSecret(getEnv());
  return createHash("sha256").update(`${purpose}\0`).update(secret).digest();
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function seal(purpose: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(purpose), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** The sealed value, or null when it is not one, was sealed for another purpose or key, or was altered. */
export function unseal(purpose: string, sealed: string): string | null {
  const [v, iv, tag, body] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealKey(purpose), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
