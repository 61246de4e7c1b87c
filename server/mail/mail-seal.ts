import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { ensureAuthSecret, getEnv } from "@/server/env";

// Mails wait in the work queue (a database table) until a worker sends them. A mail may carry a
// share link, whose token is a secret we otherwise keep only as a hash, so the body is sealed with
// a key derived from the server secret (AES-256-GCM) while it waits.
function key(): Buffer {
  const secret = process.env.NEXTAUTH_SECRET || ensureAuthSecret(getEnv());
  return createHmac("sha256", secret).update("yunpan mail seal v1").digest();
}

export function sealText(text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

export function openText(sealed: string): string {
  const [iv, tag, body] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  if (!iv || !tag || !body) throw new Error("not a sealed text");
  const decipher = createDecipheriv("aes-256-gcm", key(), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
}
