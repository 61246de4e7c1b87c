import { AppError } from "@/server/errors/app-error";
import type { TwoFactorPolicy } from "@/server/auth/totp.schemas";
import { getSettings, reloadSettings } from "@/server/settings/settings.service";

/**
 * The policy is a site setting (Admin → Settings, or TWO_FACTOR_POLICY): every authenticated
 * request asks, and gets this process's snapshot, which every replica reloads when it changes.
 */
export async function readTwoFactorPolicy(opts: { fresh?: boolean } = {}): Promise<TwoFactorPolicy> {
  if (opts.fresh) return (await reloadSettings()).values.twoFactorPolicy;
  return (await getSettings()).twoFactorPolicy;
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
