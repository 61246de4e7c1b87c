// Password guessing is throttled by the pair (account or link, client address) and by the address
// across accounts; the account or link as a whole is only slowed, and only for addresses it was
// never opened from. So ten addresses guessing at an account stop themselves, while its owner,
// from an address they signed in from before, always gets in with the right password. Every
// check comes before the password work: a blocked guess costs no argon2 time and reveals nothing.
import { assertUnderLimit, countAttempt, isOverLimit, resetLimit, type LimitName } from "@/server/security/rate-limit";

const LIMITS = {
  signIn: { ip: "signInIp", pair: "signInPair", subject: "signInAccount", slow: "signInSlow" },
  shareUnlock: { ip: "shareUnlockIp", pair: "shareUnlockPair", subject: "shareUnlockLink", slow: "shareUnlockSlow" },
} as const satisfies Record<string, Record<string, LimitName>>;

export interface PasswordGuard {
  kind: keyof typeof LIMITS;
  /** The account's email or the link's id. */
  subject: string;
  /** The client address ("unknown" when there is none). */
  ip: string;
  /** Whether the subject was opened from this address lately (asked only while it is under attack). */
  isFamiliarAddress: () => Promise<boolean>;
}

const pairKey = (g: PasswordGuard) => `${g.subject}\n${g.ip}`;

/** Throws TOO_MANY_REQUESTS (Retry-After) when this attempt may not be checked now. */
export async function admitPasswordAttempt(g: PasswordGuard): Promise<void> {
  const n = LIMITS[g.kind];
  await assertUnderLimit(n.ip, g.ip);
  await assertUnderLimit(n.pair, pairKey(g));
  // Under attack from many addresses: strangers share one slow lane; familiar addresses skip it.
  if ((await isOverLimit(n.subject, g.subject)) && !(await g.isFamiliarAddress())) await countAttempt(n.slow, g.subject);
}

/** A wrong password: counts for the address, the pair and the subject. */
export async function recordPasswordFailure(g: PasswordGuard): Promise<void> {
  const n = LIMITS[g.kind];
  // Counting past a limit throws; the caller answers "wrong password" for this attempt regardless.
  await Promise.all([countAttempt(n.ip, g.ip), countAttempt(n.pair, pairKey(g)), countAttempt(n.subject, g.subject)].map((p) => p.catch(() => {})));
}

/** The right password: this address starts afresh with this subject (the subject's count stays). */
export async function recordPasswordSuccess(g: PasswordGuard): Promise<void> {
  await resetLimit(LIMITS[g.kind].pair, pairKey(g)).catch(() => {});
}
