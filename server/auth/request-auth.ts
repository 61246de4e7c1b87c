import type { IncomingHttpHeaders } from "node:http";
import { getToken } from "next-auth/jwt";
import { getPrisma } from "@/server/db/client";
import { authenticateApiToken } from "@/server/auth/api-token.service";
import type { Actor } from "@/server/auth/actor";
import { setRequestUser } from "@/server/log/request-context";
import { twoFactorSetupPending, twoFactorSetupRequired } from "@/server/auth/two-factor-policy";

export type HeadersLike = Headers | IncomingHttpHeaders;

export function headerOf(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const v = (headers as IncomingHttpHeaders)[name.toLowerCase()];
  return Array.isArray(v) ? v.join(", ") : v;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a malformed cookie is ignored, not fatal
    }
  }
  return out;
}

/**
 * The one way every transport (tRPC, tus, downloads, pages) learns who is calling: a personal API
 * token as `Authorization: Bearer`, else the next-auth session cookie. A session is live only while
 * its user is enabled and its session version is current (a password change or an admin ends it).
 * An account the 2FA policy holds back gets 403 with what to do, except where `setupAllowed` (pages
 * and tRPC, which let it reach the security settings and nothing else).
 */
export async function authenticateRequest(headers: HeadersLike, opts: { setupAllowed?: boolean } = {}): Promise<Actor | null> {
  const authorization = headerOf(headers, "authorization");
  if (authorization?.startsWith("Bearer ")) return authenticateApiToken(authorization.slice(7).trim());

  const cookie = headerOf(headers, "cookie");
  if (!cookie) return null;
  // getToken reads `req.cookies`, which a Node request lacks: hand it the parsed cookies.
  const plainHeaders = Object.fromEntries(
    typeof (headers as Headers).entries === "function" ? (headers as Headers).entries() : Object.entries(headers),
  );
  const token = await getToken({
    req: { headers: plainHeaders, cookies: parseCookies(cookie) } as never,
    secret: process.env.NEXTAUTH_SECRET,
  });
  const userId = typeof token?.uid === "string" ? token.uid : null;
  if (!userId) return null;
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { role: true, kind: true, disabledAt: true, sessionVersion: true, totpEnabledAt: true } });
  if (!user || user.disabledAt || user.kind !== "PERSON" || user.sessionVersion !== token?.sv) return null;
  setRequestUser(userId);
  if (await twoFactorSetupPending(user)) {
    if (!opts.setupAllowed) throw twoFactorSetupRequired();
    return { userId, role: user.role, via: "session", twoFactorSetupPending: true };
  }
  return { userId, role: user.role, via: "session" };
}

export function requestMeta(headers: HeadersLike, remoteAddress?: string | null) {
  return { ip: remoteAddress ?? null, userAgent: headerOf(headers, "user-agent") ?? null };
}
