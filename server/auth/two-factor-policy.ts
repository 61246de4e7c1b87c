import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import type { TwoFactorPolicy } from "@/server/auth/totp.schemas";

export const POLICY_KEY = "twoFactorPolicy";

// Every authenticated request asks for the policy; it changes rarely, so each process keeps it
// for a few seconds (the replica that changes it forgets at once; others within CACHE_MS).
const CACHE_MS = 5_000;
const KEY = Symbol.for("yunpan.twoFactorPolicy");
type G = typeof globalThis & { [KEY]?: { policy: TwoFactorPolicy; at: number } };

export async function readTwoFactorPolicy(opts: { fresh?: boolean } = {}): Promise<TwoFactorPolicy> {
  const cached = (globalThis as G)[KEY];
  if (!opts.fresh && cached && Date.now() - cached.at < CACHE_MS) return cached.policy;
  const prisma = await getPrisma();
  const v = (await prisma.setting.findUnique({ where: { key: POLICY_KEY } }))?.value;
  const policy: TwoFactorPolicy = v === "admins" || v === "everyone" ? v : "off";
  (globalThis as G)[KEY] = { policy, at: Date.now() };
  return policy;
}

export function forgetTwoFactorPolicy() {
  delete (globalThis as G)[KEY];
}

/** Whether the policy asks this account to have two-factor on. */
export function isTwoFactorRequired(policy: TwoFactorPolicy, role: "USER" | "ADMIN"): boolean {
  return policy === "everyone" || (policy === "admins" && role === "ADMIN");
}

/** True while the policy requires two-factor sign-in of this account and it has none yet. */
export async function twoFactorSetupPending(user: { role: "USER" | "ADMIN"; totpEnabledAt: Date | null }): Promise<boolean> {
  if (user.totpEnabledAt) return false;
  return isTwoFactorRequired(await readTwoFactorPolicy(), user.role);
}

export const twoFactorSetupRequired = () => new AppError("FORBIDDEN", "auth.twoFactorSetupRequired");

/**
 * What an account with set-up pending may still call from the browser: enough to set it up (the
 * security settings), to know who it is, to sign out and to read its own notices.
 */
export function allowedDuringTwoFactorSetup(path: string): boolean {
  return (
    path.startsWith("security.") ||
    ["auth.me", "auth.changePassword", "auth.tokens.list", "auth.tokens.revoke", "notify.unread", "notify.list", "notify.markRead"].includes(path)
  );
}
