import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { authenticateApiToken } from "@/server/auth/api-token.service";
import { authenticateRequest } from "@/server/auth/request-auth";
import { burnPasswordCheck, verifyPassword } from "@/server/auth/password";
import { countAttempt } from "@/server/security/rate-limit";
import { admitPasswordAttempt, recordPasswordFailure, recordPasswordSuccess } from "@/server/security/password-guard";
import { noteSignInAddress, signInGuard } from "@/server/auth/auth.service";
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
 * or Bearer token also works (the browser, scripts). An app password is checked before any limit
 * (256 random bits cannot be guessed, so password failures never block one; wrong ones count
 * against the address); the account password goes through the sign-in throttle.
 */
export async function authenticateDav(req: IncomingMessage): Promise<Actor | null> {
  const header = req.headers.authorization;
  if (!header?.startsWith("Basic ")) return authenticateRequest(req.headers);
  const ip = String(req.headers["x-yunpan-client-ip"] || req.socket.remoteAddress || "unknown");
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const email = (colon >= 0 ? decoded.slice(0, colon) : decoded).trim().toLowerCase();
  const secret = colon >= 0 ? decoded.slice(colon + 1) : "";
  if (!email || !secret) return null;
  const failed = () => recordAudit({ action: "auth.dav.failure", meta: { ip, userAgent: req.headers["user-agent"] ?? null }, data: { email } });

  if (secret.startsWith("ypt_")) {
    // Another user's token with your email is refused.
    const actor = await authenticateApiToken(secret, { email });
    if (!actor) {
      await failed();
      await countAttempt("signInIp", ip);
    }
    return actor;
  }
  const user = await accountFor(email);
  const cached = user && (await fromPasswordCache(user, header));
  if (cached) return cached;
  const guard = signInGuard(email, ip);
  await admitPasswordAttempt(guard);
  const actor = await byPassword(user, secret, header);
  if (!actor) {
    await recordPasswordFailure(guard);
    await failed();
    return null;
  }
  await recordPasswordSuccess(guard);
  await noteSignInAddress({ userId: actor.userId, email, ip, via: "webdav" });
  return actor;
}

type Account = { id: string; role: "USER" | "ADMIN"; kind: "PERSON" | "TEAM"; passwordHash: string | null; disabledAt: Date | null; deletionRequestedAt: Date | null; totpEnabledAt: Date | null };

async function accountFor(email: string): Promise<Account | null> {
  const prisma = await getPrisma();
  return prisma.user.findUnique({
    where: { email },
    select: { id: true, role: true, kind: true, passwordHash: true, disabledAt: true, deletionRequestedAt: true, totpEnabledAt: true },
  });
}

/** With two-factor on (or password sign-in off) the password alone is not enough: WebDAV needs an app password. */
function passwordUsable(user: Account | null): user is Account & { passwordHash: string } {
  const passwordOff = !getEnv().passwordLogin && user?.role !== "ADMIN";
  return !!user?.passwordHash && user.kind === "PERSON" && !user.disabledAt && !user.deletionRequestedAt && !user.totpEnabledAt && !passwordOff;
}

/** The actor of a credential verified within the last minute against the current password hash. */
async function fromPasswordCache(user: Account, header: string): Promise<Actor | null> {
  if (!passwordUsable(user)) return null;
  const hit = cache().get(createHash("sha256").update(header).digest("hex"));
  if (!hit || hit.userId !== user.id || hit.passwordHash !== user.passwordHash || Date.now() - hit.at >= PASSWORD_CACHE_MS) return null;
  if (await twoFactorSetupPending(user)) throw twoFactorSetupRequired();
  return { userId: user.id, role: user.role, via: "token" };
}

async function byPassword(user: Account | null, password: string, header: string): Promise<Actor | null> {
  if (!passwordUsable(user)) {
    await burnPasswordCheck(password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  // Told only to someone who knows the password: the policy wants two-factor set up first.
  if (await twoFactorSetupPending(user)) throw twoFactorSetupRequired();
  if (cache().size > 10_000) cache().clear();
  cache().set(createHash("sha256").update(header).digest("hex"), { userId: user.id, passwordHash: user.passwordHash, at: Date.now() });
  return { userId: user.id, role: user.role, via: "token" };
}
