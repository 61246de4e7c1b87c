import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { authenticateApiToken } from "@/server/auth/api-token.service";
import { authenticateRequest } from "@/server/auth/request-auth";
import { burnPasswordCheck, verifyPassword } from "@/server/auth/password";
import { assertUnderLimit, countAttempt } from "@/server/security/rate-limit";
import { recordAudit } from "@/server/audit/audit.service";
import type { Actor } from "@/server/auth/actor";
import { twoFactorSetupPending, twoFactorSetupRequired } from "@/server/auth/two-factor-policy";

// WebDAV clients send Basic credentials with every request, and argon2 costs ~50 ms of a core: a
// verified password is remembered for a minute, keyed by the hash of the whole credential and
// bound to the password hash it matched, so a password change (or 2FA turned on) ends it at once.
const PASSWORD_CACHE_MS = 60_000;
const KEY = Symbol.for("yunpan.davPasswordCache");
type G = typeof globalThis & { [KEY]?: Map<string, { userId: string; passwordHash: string; at: number }> };
const cache = () => ((globalThis as G)[KEY] ??= new Map());

/**
 * Who a WebDAV request comes from: HTTP Basic with the account email and an app password (a
 * personal API token), or the account password while two-factor sign-in is off. A session cookie
 * or Bearer token also works (the browser, scripts). Failures count against the sign-in limits.
 */
export async function authenticateDav(req: IncomingMessage): Promise<Actor | null> {
  const header = req.headers.authorization;
  if (!header?.startsWith("Basic ")) return authenticateRequest(req.headers);
  const ip = String(req.headers["x-yunpan-client-ip"] ?? req.socket.remoteAddress ?? "");
  await assertUnderLimit("signInIp", ip);
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const email = (colon >= 0 ? decoded.slice(0, colon) : decoded).trim().toLowerCase();
  const secret = colon >= 0 ? decoded.slice(colon + 1) : "";
  if (!email || !secret) return null;
  await assertUnderLimit("signInAccount", email);

  const actor = secret.startsWith("ypt_") ? await byAppPassword(email, secret) : await byPassword(email, secret, header);
  if (!actor) {
    await countAttempt("signInIp", ip).catch(() => {});
    await countAttempt("signInAccount", email).catch(() => {});
    await recordAudit({ action: "auth.dav.failure", meta: { ip, userAgent: req.headers["user-agent"] ?? null }, data: { email } });
  }
  return actor;
}

function byAppPassword(email: string, secret: string): Promise<Actor | null> {
  // Another user's token with your email is refused.
  return authenticateApiToken(secret, { email });
}

async function byPassword(email: string, password: string, header: string): Promise<Actor | null> {
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, role: true, passwordHash: true, disabledAt: true, deletionRequestedAt: true, totpEnabledAt: true },
  });
  // With two-factor on, the password alone is not enough anywhere: WebDAV needs an app password.
  const passwordOff = !getEnv().passwordLogin && user?.role !== "ADMIN";
  if (!user?.passwordHash || user.disabledAt || user.deletionRequestedAt || user.totpEnabledAt || passwordOff) {
    await burnPasswordCheck(password);
    return null;
  }
  const key = createHash("sha256").update(header).digest("hex");
  const hit = cache().get(key);
  if (hit && hit.userId === user.id && hit.passwordHash === user.passwordHash && Date.now() - hit.at < PASSWORD_CACHE_MS) {
    if (await twoFactorSetupPending(user)) throw twoFactorSetupRequired();
    return { userId: user.id, role: user.role, via: "token" };
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  // Told only to someone who knows the password: the policy wants two-factor set up first.
  if (await twoFactorSetupPending(user)) throw twoFactorSetupRequired();
  if (cache().size > 10_000) cache().clear();
  cache().set(key, { userId: user.id, passwordHash: user.passwordHash, at: Date.now() });
  return { userId: user.id, role: user.role, via: "token" };
}
