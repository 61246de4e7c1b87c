import { randomBytes } from "node:crypto";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { createUser, requireAdmin } from "@/server/auth/auth.service";
import { hashPassword } from "@/server/auth/password";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { enqueueJob } from "@/server/jobs/queue";
import { USER_DELETE_JOB } from "@/server/jobs/job-names";
import { deleteNodesForGood } from "@/server/drive/node-removal";
import { type Prisma } from "@/server/db/generated/client.ts";
import { createUserSchema, deleteUserSchema, listUsersSchema, setQuotaSchema, setRoleSchema, type ListUsersInput } from "@/server/admin/admin.schemas";
import type { Actor } from "@/server/auth/actor";
import { getSettings } from "@/server/settings/settings.service";

export { USER_DELETE_JOB };

export interface AdminUserDto {
  id: string;
  email: string;
  name: string;
  role: "USER" | "ADMIN";
  usedBytes: number;
  /** The quota set on this account, or null when the server default applies. */
  quotaBytes: number | null;
  /** What applies: the account's quota, else the default, else null (unlimited). */
  effectiveQuotaBytes: number | null;
  disabledAt: Date | null;
  deletionRequestedAt: Date | null;
  createdAt: Date;
  lastSignInAt: Date | null;
  files: number;
  activeTokens: number;
}

type Row = {
  id: string;
  email: string;
  name: string;
  role: "USER" | "ADMIN";
  usedBytes: bigint;
  quotaBytes: bigint | null;
  disabledAt: Date | null;
  deletionRequestedAt: Date | null;
  createdAt: Date;
};

function toDto(u: Row, fallback: number | null, extra: { lastSignInAt?: Date | null; files?: number; activeTokens?: number } = {}): AdminUserDto {
  const quota = u.quotaBytes === null ? null : Number(u.quotaBytes);
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    usedBytes: Number(u.usedBytes),
    quotaBytes: quota,
    effectiveQuotaBytes: quota ?? fallback ?? null,
    disabledAt: u.disabledAt,
    deletionRequestedAt: u.deletionRequestedAt,
    createdAt: u.createdAt,
    lastSignInAt: extra.lastSignInAt ?? null,
    files: extra.files ?? 0,
    activeTokens: extra.activeTokens ?? 0,
  };
}

/** Users with search (email or name), sort and pages, plus a few per-user figures. */
export async function listUsersForAdmin(input: { actor: Actor } & ListUsersInput) {
  requireAdmin(input.actor);
  const { search, sort, dir, page, pageSize } = listUsersSchema.parse(input);
  const prisma = await getPrisma();
  // TEAM accounts own team folders (Admin → Team folders); they are not people to manage here.
  const where: Prisma.UserWhereInput = search
    ? { kind: "PERSON", OR: [{ email: { contains: search, mode: "insensitive" } }, { name: { contains: search, mode: "insensitive" } }] }
    : { kind: "PERSON" };
  const [total, rows] = await Promise.all([
    prisma.user.count({ where }),
    prisma.user.findMany({ where, orderBy: [{ [sort]: dir }, { id: "asc" }], skip: (page - 1) * pageSize, take: pageSize }),
  ]);
  const ids = rows.map((r) => r.id);
  const [files, tokens, signIns] = ids.length
    ? await Promise.all([
        prisma.node.groupBy({ by: ["ownerId"], where: { ownerId: { in: ids }, kind: "FILE", trashedAt: null }, _count: { _all: true } }),
        prisma.apiToken.groupBy({ by: ["userId"], where: { userId: { in: ids }, revokedAt: null }, _count: { _all: true } }),
        prisma.auditEvent.groupBy({ by: ["actorId"], where: { actorId: { in: ids }, action: "auth.signin.success" }, _max: { at: true } }),
      ])
    : [[], [], []];
  const filesOf = new Map(files.map((f) => [f.ownerId, f._count._all]));
  const tokensOf = new Map(tokens.map((t) => [t.userId, t._count._all]));
  const signInOf = new Map(signIns.map((s) => [s.actorId, s._max.at]));
  const { defaultQuotaBytes } = await getSettings();
  return {
    total,
    page,
    pageSize,
    items: rows.map((r) => toDto(r, defaultQuotaBytes, { files: filesOf.get(r.id) ?? 0, activeTokens: tokensOf.get(r.id) ?? 0, lastSignInAt: signInOf.get(r.id) ?? null })),
  };
}

async function requireUser(userId: string) {
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("NOT_FOUND", "user.notFound");
  return user;
}

/** Another enabled admin must remain: nobody locks the server out of its own administration. */
async function assertNotLastAdmin(userId: string) {
  const prisma = await getPrisma();
  const others = await prisma.user.count({ where: { role: "ADMIN", disabledAt: null, deletionRequestedAt: null, id: { not: userId } } });
  if (others === 0) throw new AppError("CONFLICT", "auth.lastAdmin");
}

function assertNotSelf(actor: Actor, userId: string) {
  if (actor.userId === userId) throw new AppError("CONFLICT", "admin.notOnYourself");
}

export async function createUserByAdmin(input: { actor: Actor; meta?: RequestMeta; email: string; name?: string; password: string; role?: "USER" | "ADMIN" }) {
  requireAdmin(input.actor);
  const data = createUserSchema.parse(input);
  const user = await createUser({ actor: input.actor, ...data });
  return user;
}

export async function setUserRole(input: { actor: Actor; meta?: RequestMeta; userId: string; role: "USER" | "ADMIN" }) {
  requireAdmin(input.actor);
  const { userId, role } = setRoleSchema.parse(input);
  const user = await requireUser(userId);
  if (user.role === role) return toDto(user, (await getSettings()).defaultQuotaBytes);
  if (role === "USER") await assertNotLastAdmin(userId);
  const prisma = await getPrisma();
  const updated = await prisma.user.update({ where: { id: userId }, data: { role } });
  await recordAudit({ actorId: input.actor.userId, action: "admin.user.setRole", targetType: "user", targetId: userId, meta: input.meta, data: { email: user.email, from: user.role, to: role } });
  return toDto(updated, (await getSettings()).defaultQuotaBytes);
}

export async function setUserQuota(input: { actor: Actor; meta?: RequestMeta; userId: string; quotaBytes: number | null }) {
  requireAdmin(input.actor);
  const { userId, quotaBytes } = setQuotaSchema.parse(input);
  const user = await requireUser(userId);
  const prisma = await getPrisma();
  const updated = await prisma.user.update({ where: { id: userId }, data: { quotaBytes: quotaBytes === null ? null : BigInt(quotaBytes) } });
  await recordAudit({
    actorId: input.actor.userId,
    action: "admin.user.setQuota",
    targetType: "user",
    targetId: userId,
    meta: input.meta,
    data: { email: user.email, from: user.quotaBytes === null ? null : Number(user.quotaBytes), to: quotaBytes },
  });
  return toDto(updated, (await getSettings()).defaultQuotaBytes);
}

/** Sets a new random password (shown once to the admin) and ends every session of the account. */
export async function resetUserPassword(input: { actor: Actor; meta?: RequestMeta; userId: string }): Promise<{ password: string }> {
  requireAdmin(input.actor);
  const user = await requireUser(input.userId);
  // 18 random bytes → 24 characters of base64url: well above the 12-character minimum.
  const password = randomBytes(18).toString("base64url");
  const prisma = await getPrisma();
  await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password), sessionVersion: { increment: 1 } } });
  await recordAudit({ actorId: input.actor.userId, action: "admin.user.resetPassword", targetType: "user", targetId: user.id, meta: input.meta, data: { email: user.email } });
  return { password };
}

/**
 * Disables an account: sign-in stops, and bumping the session version ends every open session on
 * its next request. API tokens check disabledAt on every request, so they stop at once too.
 */
export async function disableUser(input: { actor: Actor; meta?: RequestMeta; userId: string }) {
  requireAdmin(input.actor);
  assertNotSelf(input.actor, input.userId);
  const user = await requireUser(input.userId);
  if (user.role === "ADMIN") await assertNotLastAdmin(user.id);
  const prisma = await getPrisma();
  const updated = await prisma.user.update({
    where: { id: user.id },
    data: { disabledAt: user.disabledAt ?? new Date(), sessionVersion: { increment: 1 } },
  });
  await recordAudit({ actorId: input.actor.userId, action: "admin.user.disable", targetType: "user", targetId: user.id, meta: input.meta, data: { email: user.email } });
  return toDto(updated, (await getSettings()).defaultQuotaBytes);
}

export async function enableUser(input: { actor: Actor; meta?: RequestMeta; userId: string }) {
  requireAdmin(input.actor);
  const user = await requireUser(input.userId);
  // An account waiting for its deletion job stays off.
  if (user.deletionRequestedAt) throw new AppError("CONFLICT", "admin.userBeingDeleted");
  const prisma = await getPrisma();
  const updated = await prisma.user.update({ where: { id: user.id }, data: { disabledAt: null } });
  await recordAudit({ actorId: input.actor.userId, action: "admin.user.enable", targetType: "user", targetId: user.id, meta: input.meta, data: { email: user.email } });
  return toDto(updated, (await getSettings()).defaultQuotaBytes);
}

/**
 * Deletes an account and all its data, after the admin typed its email. The account is switched
 * off at once (sign-in, sessions, tokens, links) and a queued job removes the data, so a large
 * drive does not hold a request or the database's one embedded connection.
 */
export async function requestUserDeletion(input: { actor: Actor; meta?: RequestMeta; userId: string; confirmEmail: string }) {
  requireAdmin(input.actor);
  const { userId, confirmEmail } = deleteUserSchema.parse(input);
  assertNotSelf(input.actor, userId);
  const user = await requireUser(userId);
  if (confirmEmail !== user.email) throw new AppError("BAD_REQUEST", "admin.confirmMismatch");
  if (user.role === "ADMIN") await assertNotLastAdmin(user.id);
  const prisma = await getPrisma();
  const jobId = await prisma.$transaction(async (tx) => {
    const now = new Date();
    await tx.user.update({
      where: { id: user.id },
      data: { deletionRequestedAt: user.deletionRequestedAt ?? now, disabledAt: user.disabledAt ?? now, sessionVersion: { increment: 1 } },
    });
    return enqueueJob(USER_DELETE_JOB, { userId: user.id }, { dedupeKey: `user.delete:${user.id}`, maxAttempts: 8 }, tx);
  });
  await recordAudit({ actorId: input.actor.userId, action: "admin.user.delete", targetType: "user", targetId: user.id, meta: input.meta, data: { email: user.email, jobId } });
  return { jobId };
}

/**
 * The job: removes every upload in flight (their stored bytes through `removeUpload`), every node
 * in the account's tree with its versions (releasing blob references for the GC), then the account
 * (tokens, links, grants, stars cascade). Safe to run again after a failure part-way.
 */
export async function deleteUserData(input: { userId: string; removeUpload: (id: string) => Promise<void> }) {
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true, deletionRequestedAt: true } });
  if (!user) return { deleted: false, reason: "already gone" };
  if (!user.deletionRequestedAt) throw new Error("deletion was not requested for this account");
  const uploads = await prisma.uploadSession.findMany({
    where: { OR: [{ userId: user.id }, { chargedToId: user.id }], status: "ACTIVE" },
    select: { id: true },
  });
  for (const u of uploads) {
    await input.removeUpload(u.id).catch(() => {});
    await prisma.uploadSession.updateMany({ where: { id: u.id, status: "ACTIVE" }, data: { status: "ABORTED", reservedBytes: 0n } });
  }
  const counts = await prisma.$transaction(
    async (tx) => {
      // Everything under the account's folders, including files others put there (grants).
      const doomed = (
        await tx.$queryRaw<{ id: string }[]>`
          WITH RECURSIVE down AS (
            SELECT id FROM "Node" WHERE "ownerId" = ${user.id}
            UNION
            SELECT n.id FROM "Node" n JOIN down ON n."parentId" = down.id
          )
          SELECT id FROM down`
      ).map((r) => r.id);
      await deleteNodesForGood(tx, doomed);
      await tx.user.delete({ where: { id: user.id } });
      return { nodes: doomed.length };
    },
    { timeout: 300_000 },
  );
  await recordAudit({ actorId: null, action: "admin.user.deleted", targetType: "user", targetId: user.id, data: { email: user.email, nodes: counts.nodes, uploads: uploads.length } });
  return { deleted: true, nodes: counts.nodes, uploads: uploads.length };
}
