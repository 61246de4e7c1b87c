import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import { burnPasswordCheck, hashPassword, verifyPassword } from "@/server/auth/password";
import { emailSchema, passwordSchema, signUpSchema, displayNameSchema } from "@/server/auth/auth.schemas";
import { createRootFolder } from "@/server/auth/root-folder";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { admitPasswordAttempt, recordPasswordFailure, recordPasswordSuccess, type PasswordGuard } from "@/server/security/password-guard";
import { verifySecondFactor } from "@/server/auth/totp.service";
import type { Actor } from "@/server/auth/actor";
import { getSettings } from "@/server/settings/settings.service";

export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: "USER" | "ADMIN";
  locale: string;
  usedBytes: number;
  quotaBytes: number | null;
  createdAt: Date;
}

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: "USER" | "ADMIN";
  locale: string;
  usedBytes: bigint;
  quotaBytes: bigint | null;
  createdAt: Date;
};

/** `defaultQuotaBytes` is the site setting (getSettings()) that applies to an account without its own quota. */
export function toUserDto(u: UserRow, defaultQuotaBytes: number | null): UserDto {
  const quota = u.quotaBytes ?? (defaultQuotaBytes === null ? null : BigInt(defaultQuotaBytes));
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    locale: u.locale,
    usedBytes: Number(u.usedBytes),
    quotaBytes: quota === null ? null : Number(quota),
    createdAt: u.createdAt,
  };
}

/**
 * Creates an account with its root folder. The first account on a server becomes ADMIN; with
 * sign-up closed (Admin → Settings or SIGNUP=closed) only that first one may sign itself up.
 */
export async function signUp(input: { email: string; name: string; password: string; locale?: "en" | "zh"; meta?: RequestMeta }): Promise<UserDto> {
  const data = signUpSchema.parse(input);
  const settings = await getSettings();
  const passwordHash = await hashPassword(data.password);
  const prisma = await getPrisma();
  const user = await prisma.$transaction(async (tx) => {
    // Serialise sign-ups: two at once on an empty server must not both become ADMIN.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707370)`;
    const isFirst = (await tx.user.count()) === 0;
    if (!isFirst && settings.signupPolicy === "closed") throw new AppError("FORBIDDEN", "auth.signupClosed");
    if (await tx.user.findUnique({ where: { email: data.email }, select: { id: true } })) {
      throw new AppError("CONFLICT", "auth.emailTaken");
    }
    const created = await tx.user.create({
      data: { email: data.email, name: data.name, passwordHash, role: isFirst ? "ADMIN" : "USER", locale: input.locale ?? "en" },
    });
    await createRootFolder(tx, created.id);
    return created;
  });
  await recordAudit({ actorId: user.id, action: "user.signup", targetType: "user", targetId: user.id, meta: input.meta });
  return toUserDto(user, settings.defaultQuotaBytes);
}

/** Admin (or CLI) creates an account regardless of SIGNUP. */
export async function createUser(input: {
  actor: Actor;
  email: string;
  name?: string;
  password: string;
  role?: "USER" | "ADMIN";
}): Promise<UserDto> {
  requireAdmin(input.actor);
  const email = emailSchema.parse(input.email);
  const password = passwordSchema.parse(input.password);
  const name = displayNameSchema.parse(input.name ?? email.split("@")[0]);
  const passwordHash = await hashPassword(password);
  const prisma = await getPrisma();
  const user = await prisma.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new AppError("CONFLICT", "auth.emailTaken");
    const created = await tx.user.create({ data: { email, name, passwordHash, role: input.role ?? "USER" } });
    await createRootFolder(tx, created.id);
    return created;
  });
  await recordAudit({ actorId: input.actor.userId, action: "admin.user.create", targetType: "user", targetId: user.id });
  return toUserDto(user, (await getSettings()).defaultQuotaBytes);
}

/** How guessing at an account's password from an address is throttled (password-guard.ts). */
export function signInGuard(email: string, ip: string): PasswordGuard {
  return { kind: "signIn", subject: email, ip, isFamiliarAddress: () => hasSignedInFrom(email, ip) };
}

const FAMILIAR_DAYS = 30;

/** Whether the account signed in from this address in the last 30 days, as its audit log says. */
async function hasSignedInFrom(email: string, ip: string): Promise<boolean> {
  const prisma = await getPrisma();
  const since = new Date(Date.now() - FAMILIAR_DAYS * 86_400_000);
  const rows = await prisma.$queryRaw<unknown[]>`
    SELECT 1 FROM "AuditEvent" a JOIN "User" u ON u.id = a."actorId"
    WHERE u.email = ${email} AND a.action = 'auth.signin.success' AND a.ip = ${ip} AND a.at > ${since}
    LIMIT 1`;
  return rows.length > 0;
}

/** Records a sign-in from an address the account has not used lately (WebDAV clients sign in on every request). */
export async function noteSignInAddress(input: { userId: string; email: string; ip: string; via: string }): Promise<void> {
  if (await hasSignedInFrom(input.email, input.ip)) return;
  await recordAudit({ actorId: input.userId, action: "auth.signin.success", targetType: "user", targetId: input.userId, meta: { ip: input.ip }, data: { via: input.via } });
}

/**
 * Checks an email and password. Unknown emails and wrong passwords give the same error after the
 * same amount of work, so sign-in does not reveal which accounts exist.
 */
export async function verifyCredentials(input: { email: string; password: string; meta?: RequestMeta }) {
  const email = String(input.email ?? "").trim().toLowerCase();
  const password = String(input.password ?? "");
  // Guessing is throttled before the password work, so a blocked guesser costs no argon2 time;
  // guessers stop themselves, never the owner (password-guard.ts).
  const guard = signInGuard(email, input.meta?.ip || "unknown");
  await admitPasswordAttempt(guard);
  const prisma = await getPrisma();
  const user = email ? await prisma.user.findUnique({ where: { email } }) : null;
  // A team folder's account owns files and never signs in, whatever a password column holds.
  if (user && user.kind !== "PERSON") {
    await recordAudit({ actorId: user.id, action: "auth.signin.failure", targetType: "user", targetId: user.id, meta: input.meta, data: { email } });
    throw new AppError("FORBIDDEN", "auth.teamAccount");
  }
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    await recordAudit({ actorId: user?.id, action: "auth.signin.failure", targetType: "user", targetId: user?.id, meta: input.meta, data: { email } });
    await recordPasswordFailure(guard);
    throw new AppError("UNAUTHORIZED", "auth.invalidCredentials");
  }
  await recordPasswordSuccess(guard);
  if (user.disabledAt || user.deletionRequestedAt) throw new AppError("FORBIDDEN", "auth.disabled");
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion, totpEnabled: !!user.totpEnabledAt };
}

/**
 * The whole sign-in: the password, then (when two-factor is on) the code. Without a code the
 * caller hears `totp.required` and asks for one; the password is checked again with it.
 */
export async function signInWithCredentials(input: { email: string; password: string; code?: string | null; meta?: RequestMeta }) {
  const user = await verifyCredentials(input);
  // With PASSWORD_LOGIN=false people sign in through single sign-on; admins keep a way in.
  if (!getEnv().passwordLogin && user.role !== "ADMIN") throw new AppError("FORBIDDEN", "auth.passwordLoginOff");
  if (user.totpEnabled) {
    if (!input.code) throw new AppError("UNAUTHORIZED", "totp.required");
    await verifySecondFactor({ userId: user.id, code: input.code, meta: input.meta });
  }
  await recordAudit({ actorId: user.id, action: "auth.signin.success", targetType: "user", targetId: user.id, meta: input.meta, data: { twoFactor: user.totpEnabled } });
  return user;
}

/** Sign-out is audited; the session cookie itself is cleared by next-auth. */
export async function recordSignOut(input: { userId: string; meta?: RequestMeta }) {
  await recordAudit({ actorId: input.userId, action: "auth.signout", targetType: "user", targetId: input.userId, meta: input.meta });
}

/** Changes the password and ends every other session (they carry the old session version). */
export async function changePassword(input: { actor: Actor; currentPassword: string; newPassword: string; meta?: RequestMeta }) {
  const newPassword = passwordSchema.parse(input.newPassword);
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { id: input.actor.userId } });
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError("BAD_REQUEST", "auth.wrongPassword");
  }
  await prisma.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(newPassword), sessionVersion: { increment: 1 } },
  });
  await recordAudit({ actorId: user.id, action: "auth.password.change", targetType: "user", targetId: user.id, meta: input.meta });
}

export async function resetPassword(input: { actor: Actor; email: string; newPassword: string }) {
  requireAdmin(input.actor);
  const newPassword = passwordSchema.parse(input.newPassword);
  const user = await findUserByEmailOrThrow(input.email);
  const prisma = await getPrisma();
  await prisma.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(newPassword), sessionVersion: { increment: 1 } },
  });
  await recordAudit({ actorId: input.actor.userId, action: "admin.user.resetPassword", targetType: "user", targetId: user.id });
}

export async function setRole(input: { actor: Actor; email: string; role: "USER" | "ADMIN" }): Promise<UserDto> {
  requireAdmin(input.actor);
  const user = await findUserByEmailOrThrow(input.email);
  const prisma = await getPrisma();
  if (user.role === "ADMIN" && input.role === "USER") {
    const admins = await prisma.user.count({ where: { role: "ADMIN", disabledAt: null } });
    if (admins <= 1) throw new AppError("CONFLICT", "auth.lastAdmin");
  }
  const updated = await prisma.user.update({ where: { id: user.id }, data: { role: input.role } });
  await recordAudit({ actorId: input.actor.userId, action: "admin.user.setRole", targetType: "user", targetId: user.id, data: { role: input.role } });
  return toUserDto(updated, (await getSettings()).defaultQuotaBytes);
}

export async function getMe(actor: Actor): Promise<UserDto> {
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { id: actor.userId } });
  if (!user) throw new AppError("UNAUTHORIZED", "auth.required");
  return toUserDto(user, (await getSettings()).defaultQuotaBytes);
}

export async function setLocale(input: { actor: Actor; locale: "en" | "zh" }) {
  const prisma = await getPrisma();
  await prisma.user.update({ where: { id: input.actor.userId }, data: { locale: input.locale } });
}

export async function findUserByEmailOrThrow(email: string) {
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new AppError("NOT_FOUND", "user.notFound");
  return user;
}

export function requireAdmin(actor: Actor) {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "auth.adminOnly");
}

export async function listUsers(input: { actor: Actor }): Promise<UserDto[]> {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const { defaultQuotaBytes } = await getSettings();
  return (await prisma.user.findMany({ where: { kind: "PERSON" }, orderBy: { createdAt: "asc" }, take: 1000 })).map((u) => toUserDto(u, defaultQuotaBytes));
}

/** Whether the server has no account yet (the sign-up page tells the first user they become admin). */
export async function isFirstUser(): Promise<boolean> {
  const prisma = await getPrisma();
  return (await prisma.user.count()) === 0;
}
