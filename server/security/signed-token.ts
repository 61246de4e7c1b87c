import { createHmac, timingSafeEqual } from "node:crypto";
import { ensureAuthSecret, getEnv } from "@/server/env";

function secret(): string {
  return process.env.NEXTAUTH_SECRET || ensureAuthSecret(getEnv());
}

function mac(purpose: string, body: string): Buffer {
  // The purpose is part of the MAC, so a token made for one use is worthless for another.
  return createHmac("sha256", secret()).update(purpose).update("\0").update(body).digest();
}

/** A tamper-proof, expiring token carrying `payload` (readable by the holder, not secret). */
export function signToken(purpose: string, payload: object, ttlSeconds: number): string {
  const body = Buffer.from(JSON.stringify({ ...payload, exp: Math.floor(Date.now() / 1000) + ttlSeconds })).toString("base64url");
  return `${body}.${mac(purpose, body).toString("base64url")}`;
}

/** The payload when the token is genuine, for this purpose and unexpired; null otherwise. */
export function verifyToken<T>(purpose: string, token: string): T | null {
  const [body, sig] = token.split(".");
  if (!body || !sig) return null;
  const expected = mac(purpose, body);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T & { exp: number };
    return payload.exp >= Date.now() / 1000 ? payload : null;
  } catch {
    return null;
  }
}
