// Team folders: a drive owned by the team, not by whoever uploads. Each team folder is a TEAM
// account (kind TEAM, no password, never signs in, hidden from user lists) whose root folder is the
// team folder and whose quota is the team folder's quota. So quota (with its row lock: exact under
// concurrency), trash, versions and blob accounting are the ones every personal drive uses; the
// uploader stays in FileVersion.createdById and the audit log. Members (people or groups) get a
// role; server/drive/access.ts honours it for every node the TEAM account owns.
//   VIEWER  reads.
//   EDITOR  also writes, trashes, and restores or empties from the team folder's trash.
//   MANAGER also adds and removes members and makes share links.
// Admins create, rename, size and delete team folders, and manage members of any of them.
import { randomUUID } from "node:crypto";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { teamRoleOf, type TeamRole } from "@/server/drive/access";
import { createRootFolder } from "@/server/auth/root-folder";
import { enqueueJob } from "@/server/jobs/queue";
import { USER_DELETE_JOB } from "@/server/jobs/job-names";
import type { Actor } from "@/server/auth/actor";
import type { Prisma } from "@/server/db/generated/client.ts";
import { appendTeamAccessChanges } from "@/server/groups/group-grant-changes";
import {
  createTeamFolderSchema,
  renameTeamFolderSchema,
  setTeamFolderQuotaSchema,
  setTeamMemberSchema,
  teamFolderIdSchema,
  teamMemberRefSchema,
} from "@/server/teams/teams.schemas";
import type { z } from "zod";

export interface TeamFolderDto {
  id: string;
  name: string;
  rootId: string;
  quotaBytes: number;
  usedBytes: number;
  memberCount: number;
  createdAt: Date;
}

export interface MyTeamFolderDto {
  id: string;
  name: string;
  rootId: string;
  role: TeamRole;
  quotaBytes: number;
  usedBytes: number;
}

export interface TeamMemberDto {
  id: string;
  role: TeamRole;
  user: { id: string; name: string; email: string } | null;
  group: { id: string; name: string } | null;
  addedAt: Date;
}

const isAdmin = (actor: Actor) => actor.role === "ADMIN";
/** The CLI acts as nobody in particular: its audit rows have no actor. */
const actorIdOf = (actor: Actor) => (actor.via === "cli" ? null : actor.userId);
const nameKeyOf = (name: string) => name.normalize("NFC").toLowerCase();

function requireAdmin(actor: Actor) {
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "auth.adminOnly");
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string }).code === "P2002";
}

const teamInclude = {
  account: { select: { id: true, quotaBytes: true, usedBytes: true } },
  _count: { select: { members: true } },
} as const;

type TeamRow = {
  id: string;
  name: string;
  createdAt: Date;
  account: { id: string; quotaBytes: bigint | null; usedBytes: bigint };
  _count: { members: number };
};

/** Root folders of TEAM accounts (rootOwnerId is a plain column, not a relation), by account id. */
async function rootIdsOf(accountIds: string[]): Promise<Map<string, string>> {
  const prisma = await getPrisma();
  const roots = await prisma.node.findMany({ where: { rootOwnerId: { in: accountIds } }, select: { id: true, rootOwnerId: true } });
  return new Map(roots.map((r) => [r.rootOwnerId!, r.id]));
}

async function toDtos(rows: TeamRow[]): Promise<TeamFolderDto[]> {
  const roots = await rootIdsOf(rows.map((t) => t.account.id));
  return rows.map((t) => toDto(t, roots.get(t.account.id) ?? ""));
}

function toDto(t: TeamRow, rootId: string): TeamFolderDto {
  return {
    id: t.id,
    name: t.name,
    rootId,
    quotaBytes: Number(t.account.quotaBytes ?? 0n),
    usedBytes: Number(t.account.usedBytes),
    memberCount: t._count.members,
    createdAt: t.createdAt,
  };
}

/**
 * The team folder for an admin, or for one of its managers; anyone else (a viewer, an editor, a
 * stranger) gets NOT_FOUND or FORBIDDEN exactly as the rule says, never a hint of a folder they
 * cannot see.
 */
async function requireManageable(actor: Actor, teamFolderId: string) {
  const prisma = await getPrisma();
  const team = await prisma.teamFolder.findUnique({ where: { id: teamFolderId }, include: teamInclude });
  if (!team) throw new AppError("NOT_FOUND", "team.notFound");
  if (isAdmin(actor)) return team;
  const role = await teamRoleOf(actor.userId, team.account.id);
  if (!role) throw new AppError("NOT_FOUND", "team.notFound");
  if (role !== "MANAGER") throw new AppError("FORBIDDEN", "team.managersOnly");
  return team;
}

/** Creates the team folder: its TEAM account with the quota, its root folder, no members yet. */
export async function createTeamFolder(input: { actor: Actor; meta?: RequestMeta } & z.input<typeof createTeamFolderSchema>): Promise<TeamFolderDto> {
  requireAdmin(input.actor);
  const { name, quotaBytes } = createTeamFolderSchema.parse(input);
  const prisma = await getPrisma();
  const team = await prisma
    .$transaction(async (tx) => {
      // The address only has to be unique: a TEAM account has no password and never signs in, and
      // ".invalid" (RFC 2606) can belong to no identity provider's user.
      const account = await tx.user.create({
        data: { email: `team-${randomUUID()}@team.invalid`, name, kind: "TEAM", quotaBytes: BigInt(quotaBytes) },
      });
      await createRootFolder(tx, account.id);
      return tx.teamFolder.create({ data: { name, nameKey: nameKeyOf(name), accountId: account.id }, include: teamInclude });
    })
    .catch((e: unknown) => {
      if (isUniqueViolation(e)) throw new AppError("CONFLICT", "team.nameTaken", { name });
      throw e;
    });
  await recordAudit({ actorId: actorIdOf(input.actor), action: "team.create", targetType: "team", targetId: team.id, meta: input.meta, data: { name, quotaBytes } });
  return (await toDtos([team]))[0]!;
}

export async function listTeamFolders(input: { actor: Actor }): Promise<TeamFolderDto[]> {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const rows = await prisma.teamFolder.findMany({ orderBy: { nameKey: "asc" }, include: teamInclude, take: 1000 });
  return toDtos(rows);
}

export async function renameTeamFolder(input: { actor: Actor; meta?: RequestMeta } & z.input<typeof renameTeamFolderSchema>): Promise<TeamFolderDto> {
  requireAdmin(input.actor);
  const { teamFolderId, name } = renameTeamFolderSchema.parse(input);
  const before = await requireManageable(input.actor, teamFolderId);
  const prisma = await getPrisma();
  const team = await prisma
    .$transaction(async (tx) => {
      await tx.user.update({ where: { id: before.account.id }, data: { name } });
      return tx.teamFolder.update({ where: { id: teamFolderId }, data: { name, nameKey: nameKeyOf(name) }, include: teamInclude });
    })
    .catch((e: unknown) => {
      if (isUniqueViolation(e)) throw new AppError("CONFLICT", "team.nameTaken", { name });
      throw e;
    });
  await recordAudit({ actorId: actorIdOf(input.actor), action: "team.rename", targetType: "team", targetId: team.id, meta: input.meta, data: { from: before.name, to: name } });
  return (await toDtos([team]))[0]!;
}

/** A smaller quota than the folder holds is allowed: nothing is removed, new uploads are refused. */
export async function setTeamFolderQuota(input: { actor: Actor; meta?: RequestMeta } & z.input<typeof setTeamFolderQuotaSchema>): Promise<TeamFolderDto> {
  requireAdmin(input.actor);
  const { teamFolderId, quotaBytes } = setTeamFolderQuotaSchema.parse(input);
  const before = await requireManageable(input.actor, teamFolderId);
  const prisma = await getPrisma();
  await prisma.user.update({ where: { id: before.account.id }, data: { quotaBytes: BigInt(quotaBytes) } });
  await recordAudit({ actorId: actorIdOf(input.actor), action: "team.quota", targetType: "team", targetId: teamFolderId, meta: input.meta, data: { from: Number(before.account.quotaBytes ?? 0n), to: quotaBytes } });
  return (await toDtos([await prisma.teamFolder.findUniqueOrThrow({ where: { id: teamFolderId }, include: teamInclude })]))[0]!;
}

/**
 * Deletes the team folder: members lose it at once, and the account-deletion job removes its files,
 * versions and trash (as for a deleted person), releasing the blobs for the GC.
 */
export async function deleteTeamFolder(input: { actor: Actor; meta?: RequestMeta; teamFolderId: string }): Promise<{ jobId: string | null }> {
  requireAdmin(input.actor);
  const { teamFolderId } = teamFolderIdSchema.parse(input);
  const team = await requireManageable(input.actor, teamFolderId);
  const prisma = await getPrisma();
  const jobId = await prisma.$transaction(async (tx) => {
    await tx.teamFolder.delete({ where: { id: team.id } });
    const now = new Date();
    await tx.user.update({ where: { id: team.account.id }, data: { deletionRequestedAt: now, disabledAt: now } });
    return enqueueJob(USER_DELETE_JOB, { userId: team.account.id }, { dedupeKey: `user.delete:${team.account.id}`, maxAttempts: 8 }, tx);
  });
  await recordAudit({ actorId: actorIdOf(input.actor), action: "team.delete", targetType: "team", targetId: team.id, meta: input.meta, data: { name: team.name, jobId } });
  return { jobId };
}

export async function listTeamMembers(input: { actor: Actor; teamFolderId: string }): Promise<TeamMemberDto[]> {
  const { teamFolderId } = teamFolderIdSchema.parse(input);
  await requireManageable(input.actor, teamFolderId);
  const prisma = await getPrisma();
  const rows = await prisma.teamFolderMember.findMany({
    where: { teamFolderId },
    orderBy: { createdAt: "asc" },
    include: { user: { select: { id: true, name: true, email: true } }, group: { select: { id: true, name: true } } },
  });
  return rows.map((m) => ({ id: m.id, role: m.role, user: m.user, group: m.group, addedAt: m.createdAt }));
}

/** Adds a person or a group with a role; adding them again changes the role. Admins and managers. */
export async function setTeamMember(input: { actor: Actor; meta?: RequestMeta } & z.input<typeof setTeamMemberSchema>): Promise<TeamMemberDto> {
  const parsed = setTeamMemberSchema.parse(input);
  const team = await requireManageable(input.actor, parsed.teamFolderId);
  const prisma = await getPrisma();
  let who: { userId: string } | { groupId: string };
  if ("email" in parsed) {
    const user = await prisma.user.findUnique({ where: { email: parsed.email } });
    if (!user || user.kind !== "PERSON" || user.disabledAt || user.deletionRequestedAt) throw new AppError("NOT_FOUND", "team.userNotFound");
    who = { userId: user.id };
  } else {
    const group = await prisma.group.findUnique({ where: { id: parsed.groupId } });
    if (!group) throw new AppError("NOT_FOUND", "team.groupNotFound");
    who = { groupId: group.id };
  }
  const existing = await prisma.teamFolderMember.findFirst({ where: { teamFolderId: team.id, ...who } });
  const include = { user: { select: { id: true, name: true, email: true } }, group: { select: { id: true, name: true } } } as const;
  const m = existing
    ? await prisma.teamFolderMember.update({ where: { id: existing.id }, data: { role: parsed.role }, include })
    : await prisma.$transaction(async (tx) => {
        const made = await tx.teamFolderMember.create({ data: { teamFolderId: team.id, ...who, role: parsed.role }, include });
        // New members' open change streams start carrying the folder's changes (group-grant-changes.ts).
        await appendTeamAccessChanges(tx, { teams: { id: team.id }, userIds: await peopleOf(tx, who), kind: "grant.added", actorId: actorIdOf(input.actor) });
        return made;
      });
  await recordAudit({
    actorId: actorIdOf(input.actor),
    action: existing ? "team.member.update" : "team.member.add",
    targetType: "team",
    targetId: team.id,
    meta: input.meta,
    data: { ...who, role: parsed.role },
  });
  return { id: m.id, role: m.role, user: m.user, group: m.group, addedAt: m.createdAt };
}

export async function removeTeamMember(input: { actor: Actor; meta?: RequestMeta; teamFolderId: string; memberId: string }): Promise<void> {
  const { teamFolderId, memberId } = teamMemberRefSchema.parse(input);
  const team = await requireManageable(input.actor, teamFolderId);
  const prisma = await getPrisma();
  const m = await prisma.teamFolderMember.findFirst({ where: { id: memberId, teamFolderId: team.id } });
  if (!m) throw new AppError("NOT_FOUND", "team.memberNotFound");
  await prisma.$transaction(async (tx) => {
    await tx.teamFolderMember.delete({ where: { id: m.id } });
    const who = m.userId ? { userId: m.userId } : { groupId: m.groupId! };
    await appendTeamAccessChanges(tx, { teams: { id: team.id }, userIds: await peopleOf(tx, who), kind: "grant.removed", actorId: actorIdOf(input.actor) });
  });
  await recordAudit({ actorId: actorIdOf(input.actor), action: "team.member.remove", targetType: "team", targetId: team.id, meta: input.meta, data: { userId: m.userId, groupId: m.groupId } });
}

/** The people a membership row stands for: the person, or the group's members. */
async function peopleOf(tx: Prisma.TransactionClient, who: { userId: string } | { groupId: string }): Promise<string[]> {
  if ("userId" in who) return [who.userId];
  return (await tx.groupMember.findMany({ where: { groupId: who.groupId }, select: { userId: true } })).map((g) => g.userId);
}

/** The team folders I am a member of (myself or through a group), by name, with my role. */
export async function listMyTeamFolders(input: { actor: Actor }): Promise<MyTeamFolderDto[]> {
  const prisma = await getPrisma();
  const rows = await prisma.teamFolder.findMany({
    where: { members: { some: { OR: [{ userId: input.actor.userId }, { group: { members: { some: { userId: input.actor.userId } } } }] } } },
    orderBy: { nameKey: "asc" },
    include: teamInclude,
  });
  const roots = await rootIdsOf(rows.map((t) => t.account.id));
  const out: MyTeamFolderDto[] = [];
  for (const t of rows) {
    const role = await teamRoleOf(input.actor.userId, t.account.id);
    if (role) out.push({ id: t.id, name: t.name, rootId: roots.get(t.account.id) ?? "", role, quotaBytes: Number(t.account.quotaBytes ?? 0n), usedBytes: Number(t.account.usedBytes) });
  }
  return out;
}

/** The TEAM accounts whose files the user may read: the owners a search or Recent also covers. */
export async function teamAccountsOf(userId: string): Promise<string[]> {
  const prisma = await getPrisma();
  const rows = await prisma.teamFolder.findMany({
    where: { members: { some: { OR: [{ userId }, { group: { members: { some: { userId } } } }] } } },
    select: { accountId: true },
  });
  return rows.map((r) => r.accountId);
}
