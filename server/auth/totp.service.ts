import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { seal, unseal } from "@/server/security/sealed-secret";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { assertUnderLimit, countAttempt, resetLimit } from "@/server/security/rate-limit";
import { secondFactorCodeSchema, type TwoFactorPolicy } from "@/server/auth/totp.schemas";
import type { Actor } from "@/server/auth/actor";
import { isTwoFactorRequired, readTwoFactorPolicy } from "@/server/auth/two-factor-policy";
import { updateSettings } from "@/server/settings/settings.service";

export const RECOVERY_CODE_COUNT = 10;

// The TOTP secret is sealed with a key derived from the server secret, so a copy of the database
// alone does not hand out everyone's second factor.
const TOTP_SEAL = "yunpan.totp.v1";

export function sealSecret(base32: string): string {
  return seal(TOTP_SEAL, base32);
}

function openSecret(sealed: string): string | null {
  return unseal(TOTP_SEAL, sealed);
}

function requireAdmin(actor: Actor) {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "auth.adminOnly");
}

function totpFor(email: string, base32: string): TOTP {
  return new TOTP({ issuer: "Yunpan", label: email, secret: Secret.fromBase32(base32), digits: 6, period: 30, algorithm: "SHA1" });
}

/** One step either side of now, for clocks a little off. */
function isValidTotp(email: string, base32: string, code: string): boolean {
  return /^\d{6}$/.test(code) && totpFor(email, base32).validate({ token: code, window: 1 }) !== null;
}

const hashRecoveryCode = (code: string) => createHash("sha256").update("yunpan.recovery\0").update(code).digest("hex");

function newRecoveryCode(): string {
  // 10 characters of a-z and 2-9 without look-alikes (about 50 bits), shown as xxxxx-xxxxx.
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(10);
  const s = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

export interface TotpEnrollment {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/** Starts (or restarts) enrollment: a fresh secret, kept sealed until a code confirms it. */
export async function beginTotpEnrollment(input: { actor: Actor }): Promise<TotpEnrollment> {
  const prisma = await getPrisma();
  const user = await prisma.user.findUniqueOrThrow({ where: { id: input.actor.userId } });
  if (user.totpEnabledAt) throw new AppError("CONFLICT", "totp.alreadyEnabled");
  const secret = new Secret({ size: 20 }).base32;
  await prisma.user.update({ where: { id: user.id }, data: { totpSecret: sealSecret(secret) } });
  const otpauthUrl = totpFor(user.email, secret).toString();
  const qrSvg = await QRCode.toString(otpauthUrl, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return { secret, otpauthUrl, qrSvg };
}

/** Turns two-factor on once a code from the new secret checks out; returns the recovery codes, once. */
export async function confirmTotpEnrollment(input: { actor: Actor; code: string; meta?: RequestMeta }): Promise<{ recoveryCodes: string[] }> {
  const code = secondFactorCodeSchema.parse(input.code);
  const prisma = await getPrisma();
  const user = await prisma.user.findUniqueOrThrow({ where: { id: input.actor.userId } });
  if (user.totpEnabledAt) throw new AppError("CONFLICT", "totp.alreadyEnabled");
  const secret = user.totpSecret ? openSecret(user.totpSecret) : null;
  if (!secret) throw new AppError("BAD_REQUEST", "totp.notStarted");
  await assertUnderLimit("totpCode", user.id);
  if (!isValidTotp(user.email, secret, code)) {
    await countAttempt("totpCode", user.id);
    throw new AppError("BAD_REQUEST", "totp.invalidCode");
  }
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await prisma.$transaction(async (tx) => {
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.recoveryCode.createMany({ data: recoveryCodes.map((c) => ({ userId: user.id, codeHash: hashRecoveryCode(c) })) });
    await tx.user.update({ where: { id: user.id }, data: { totpEnabledAt: new Date() } });
  });
  await recordAudit({ actorId: user.id, action: "auth.2fa.enable", targetType: "user", targetId: user.id, meta: input.meta });
  return { recoveryCodes };
}

/**
 * Checks a second factor for an account with two-factor on: a current authenticator code, or an
 * unused recovery code (used up by this call). Wrong codes count against a per-account limit.
 */
export async function verifySecondFactor(input: { userId: string; code: string; meta?: RequestMeta }): Promise<"totp" | "recovery"> {
  const code = secondFactorCodeSchema.parse(input.code ?? "");
  const prisma = await getPrisma();
  const user = await prisma.user.findUniqueOrThrow({ where: { id: input.userId } });
  const secret = user.totpEnabledAt && user.totpSecret ? openSecret(user.totpSecret) : null;
  if (!secret) throw new AppError("BAD_REQUEST", "totp.notEnabled");
  await assertUnderLimit("totpCode", user.id);
  // A code seen once (a shoulder-surfer, a replayed request) does not sign in a second time.
  const valid = isValidTotp(user.email, secret, code);
  const replayed = valid && (await countAttempt("totpReplay", `${user.id}:${code}`).then(() => false, () => true));
  if (valid && !replayed) {
    await resetLimit("totpCode", user.id);
    return "totp";
  }
  if (/^[a-z0-9]{5}-?[a-z0-9]{5}$/.test(code)) {
    const normalized = code.includes("-") ? code : `${code.slice(0, 5)}-${code.slice(5)}`;
    const wanted = Buffer.from(hashRecoveryCode(normalized), "hex");
    const unused = await prisma.recoveryCode.findMany({ where: { userId: user.id, usedAt: null } });
    const match = unused.find((r) => timingSafeEqual(Buffer.from(r.codeHash, "hex"), wanted));
    // The conditional update makes a code good for exactly one sign-in, even when two race.
    if (match && (await prisma.recoveryCode.updateMany({ where: { id: match.id, usedAt: null }, data: { usedAt: new Date() } })).count === 1) {
      await recordAudit({ actorId: user.id, action: "auth.2fa.recovery", targetType: "user", targetId: user.id, meta: input.meta });
      await resetLimit("totpCode", user.id);
      return "recovery";
    }
  }
  await countAttempt("totpCode", user.id);
  await recordAudit({ actorId: user.id, action: "auth.2fa.failure", targetType: "user", targetId: user.id, meta: input.meta });
  throw new AppError("UNAUTHORIZED", "totp.invalidCode");
}

/** Turns two-factor off; needs a fresh authenticator code (or a recovery code). */
export async function disableTotp(input: { actor: Actor; code: string; meta?: RequestMeta }): Promise<void> {
  await verifySecondFactor({ userId: input.actor.userId, code: input.code, meta: input.meta });
  await clearTotp(input.actor.userId);
  await recordAudit({ actorId: input.actor.userId, action: "auth.2fa.disable", targetType: "user", targetId: input.actor.userId, meta: input.meta });
}

/** New recovery codes (the old ones stop working), after a fresh code. */
export async function regenerateRecoveryCodes(input: { actor: Actor; code: string; meta?: RequestMeta }): Promise<{ recoveryCodes: string[] }> {
  await verifySecondFactor({ userId: input.actor.userId, code: input.code, meta: input.meta });
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    await tx.recoveryCode.deleteMany({ where: { userId: input.actor.userId } });
    await tx.recoveryCode.createMany({ data: recoveryCodes.map((c) => ({ userId: input.actor.userId, codeHash: hashRecoveryCode(c) })) });
  });
  await recordAudit({ actorId: input.actor.userId, action: "auth.2fa.recoveryRegenerate", targetType: "user", targetId: input.actor.userId, meta: input.meta });
  return { recoveryCodes };
}

async function clearTotp(userId: string) {
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.user.update({ where: { id: userId }, data: { totpSecret: null, totpEnabledAt: null } });
  });
}

export function getTwoFactorPolicy(): Promise<TwoFactorPolicy> {
  return readTwoFactorPolicy({ fresh: true });
}

export async function setTwoFactorPolicy(input: { actor: Actor; policy: TwoFactorPolicy; meta?: RequestMeta }): Promise<TwoFactorPolicy> {
  requireAdmin(input.actor);
  // A site setting like the others: validated, audited as settings.changed, applied on every replica.
  await updateSettings({ actor: input.actor, changes: { twoFactorPolicy: input.policy }, meta: input.meta });
  return input.policy;
}

/** An admin turns off a user's two-factor (a lost phone and lost codes); audited. */
export async function adminResetTwoFactor(input: { actor: Actor; userId: string; meta?: RequestMeta }): Promise<void> {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { id: input.userId }, select: { id: true } });
  if (!user) throw new AppError("NOT_FOUND", "user.notFound");
  await clearTotp(user.id);
  await recordAudit({ actorId: input.actor.userId, action: "admin.2fa.reset", targetType: "user", targetId: user.id, meta: input.meta });
}

export interface SecurityOverview {
  totpEnabled: boolean;
  totpEnabledAt: Date | null;
  recoveryCodesLeft: number;
  policy: TwoFactorPolicy;
  twoFactorRequired: boolean;
  hasPassword: boolean;
  linkedAccounts: { id: string; provider: string; email: string | null; createdAt: Date }[];
}

export async function getSecurityOverview(input: { actor: Actor }): Promise<SecurityOverview> {
  const prisma = await getPrisma();
  const user = await prisma.user.findUniqueOrThrow({ where: { id: input.actor.userId } });
  const [left, linked, policy] = await Promise.all([
    prisma.recoveryCode.count({ where: { userId: user.id, usedAt: null } }),
    prisma.linkedAccount.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } }),
    getTwoFactorPolicy(),
  ]);
  return {
    totpEnabled: !!user.totpEnabledAt,
    totpEnabledAt: user.totpEnabledAt,
    recoveryCodesLeft: left,
    policy,
    twoFactorRequired: isTwoFactorRequired(policy, user.role),
    hasPassword: !!user.passwordHash,
    linkedAccounts: linked.map((l) => ({ id: l.id, provider: l.provider, email: l.email, createdAt: l.createdAt })),
  };
}
