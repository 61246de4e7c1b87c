import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { appendGroupGrantChanges } from "@/server/groups/group-grant-changes";
import type { Prisma } from "@/server/db/generated/client.ts";
import type { Actor } from "@/server/auth/actor";
import {
  createGroupSchema,
  groupIdSchema,
  groupMemberSchema,
  groupNameKey,
  groupNameSchema,
  listGroupsSchema,
  listMembersSchema,
  renameGroupSchema,
  userGroupsSchema,
  type GroupSource,
  type ListGroupsInput,
} from "@/server/groups/groups.schemas";

export interface GroupDto {
  id: string;
  name: string;
  source: GroupSource;
  externalId: string | null;
  memberCount: number;
  createdAt: Date;
}

export interface GroupMemberDto {
  userId: string;
  email: string;
  name: string;
  source: GroupSource;
  disabled: boolean;
  addedAt: Date;
}

type GroupRow = { id: string; name: string; source: string; externalId: string | null; createdAt: Date; _count?: { members: number } };

function toDto(g: GroupRow): GroupDto {
  return { id: g.id, name: g.name, source: g.source as GroupSource, externalId: g.externalId, memberCount: g._count?.members ?? 0, createdAt: g.createdAt };
}

/**
 * The admin rule, stated here rather than imported from auth: auth's sign-in path calls into this
 * folder (the groups claim), so groups must not import auth back.
 */
function requireAdmin(actor: Actor) {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "auth.adminOnly");
}

const actorIdOf = (actor: Actor) => (actor.via === "cli" ? null : actor.userId);
/** Audit data saying which identity provider path made a change (nothing for an admin's own). */
const viaOf = (source: GroupSource | undefined): { via?: GroupSource } => (source && source !== "local" ? { via: source } : {});

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string }).code === "P2002";
}

async function requireGroup(groupId: string) {
  const prisma = await getPrisma();
  const group = await prisma.group.findUnique({ where: { id: groupId }, include: { _count: { select: { members: true } } } });
  if (!group) throw new AppError("NOT_FOUND", "groups.notFound");
  return group;
}

/** Groups by name, each with its member count; `search` matches part of the name, any case. */
export async function listGroups(input: { actor: Actor } & ListGroupsInput) {
  requireAdmin(input.actor);
  const { search, page, pageSize } = listGroupsSchema.parse(input);
  const prisma = await getPrisma();
  const where: Prisma.GroupWhereInput = search ? { name: { contains: search, mode: "insensitive" } } : {};
  const [total, rows] = await Promise.all([
    prisma.group.count({ where }),
    prisma.group.findMany({
      where,
      orderBy: [{ nameKey: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: { _count: { select: { members: true } } },
    }),
  ]);
  return { total, page, pageSize, items: rows.map(toDto) };
}

/** One group by its name (any case), for the CLI. */
export async function getGroupByName(input: { actor: Actor; name: string }): Promise<GroupDto> {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const group = await prisma.group.findUnique({ where: { nameKey: groupNameKey(input.name) }, include: { _count: { select: { members: true } } } });
  if (!group) throw new AppError("NOT_FOUND", "groups.notFound");
  return toDto(group);
}

/** `source` and `externalId` are for the identity-provider paths (SCIM); Admin → Groups makes "local" groups. */
export async function createGroup(input: { actor: Actor; meta?: RequestMeta; name: string; source?: GroupSource; externalId?: string | null }): Promise<GroupDto> {
  requireAdmin(input.actor);
  const { name } = createGroupSchema.parse(input);
  const source = input.source ?? "local";
  const prisma = await getPrisma();
  let group;
  try {
    group = await prisma.group.create({ data: { name, nameKey: groupNameKey(name), source, externalId: input.externalId ?? null } });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", "groups.nameTaken", { name });
    throw e;
  }
  await recordAudit({ actorId: actorIdOf(input.actor), action: "group.created", targetType: "group", targetId: group.id, meta: input.meta, data: { name, ...viaOf(source) } });
  return toDto(group);
}

export async function renameGroup(input: { actor: Actor; meta?: RequestMeta; groupId: string; name: string; source?: GroupSource }): Promise<GroupDto> {
  requireAdmin(input.actor);
  const { groupId, name } = renameGroupSchema.parse(input);
  const before = await requireGroup(groupId);
  if (before.name === name) return toDto(before);
  const prisma = await getPrisma();
  let group;
  try {
    group = await prisma.group.update({ where: { id: groupId }, data: { name, nameKey: groupNameKey(name) }, include: { _count: { select: { members: true } } } });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", "groups.nameTaken", { name });
    if ((e as { code?: string }).code === "P2025") throw new AppError("NOT_FOUND", "groups.notFound");
    throw e;
  }
  await recordAudit({ actorId: actorIdOf(input.actor), action: "group.renamed", targetType: "group", targetId: groupId, meta: input.meta, data: { from: before.name, to: name, ...viaOf(input.source) } });
  return toDto(group);
}

/** Removes the group and, with it, every membership. */
export async function deleteGroup(input: { actor: Actor; meta?: RequestMeta; groupId: string; source?: GroupSource }): Promise<{ id: string; name: string; membersRemoved: number }> {
  requireAdmin(input.actor);
  const { groupId } = groupIdSchema.parse(input);
  const prisma = await getPrisma();
  const removed = await prisma.$transaction(async (tx) => {
    const group = await tx.group.findUnique({ where: { id: groupId } });
    if (!group) throw new AppError("NOT_FOUND", "groups.notFound");
    // Its shares go with it (the foreign key cascades): its members hear they lost them.
    const memberIds = (await tx.groupMember.findMany({ where: { groupId }, select: { userId: true } })).map((m) => m.userId);
    await appendGroupGrantChanges(tx, { groupId, userIds: memberIds, kind: "grant.removed", actorId: actorIdOf(input.actor) });
    const members = await tx.groupMember.deleteMany({ where: { groupId } });
    await tx.group.delete({ where: { id: groupId } });
    return { id: group.id, name: group.name, membersRemoved: members.count };
  });
  await recordAudit({
    actorId: actorIdOf(input.actor),
    action: "group.deleted",
    targetType: "group",
    targetId: groupId,
    meta: input.meta,
    data: { name: removed.name, membersRemoved: removed.membersRemoved, ...viaOf(input.source) },
  });
  return removed;
}

/** A group's members by email; `search` matches part of an email or name. */
export async function listGroupMembers(input: { actor: Actor; groupId: string; search?: string }): Promise<{ group: GroupDto; members: GroupMemberDto[] }> {
  requireAdmin(input.actor);
  const { groupId, search } = listMembersSchema.parse(input);
  const group = await requireGroup(groupId);
  const prisma = await getPrisma();
  const rows = await prisma.groupMember.findMany({
    where: {
      groupId,
      ...(search ? { user: { OR: [{ email: { contains: search, mode: "insensitive" } }, { name: { contains: search, mode: "insensitive" } }] } } : {}),
    },
    include: { user: { select: { email: true, name: true, disabledAt: true } } },
    orderBy: { user: { email: "asc" } },
    take: 1000,
  });
  return {
    group: toDto(group),
    members: rows.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, source: m.source as GroupSource, disabled: m.user.disabledAt !== null, addedAt: m.createdAt })),
  };
}

/**
 * Adds a person to a group. Adding someone already in it changes nothing, except that a membership
 * the identity provider made becomes the admin's own ("local"), which a sign-in no longer removes.
 */
export async function addGroupMember(input: { actor: Actor; meta?: RequestMeta; groupId: string; userId: string; source?: GroupSource }): Promise<{ added: boolean }> {
  requireAdmin(input.actor);
  const source = input.source ?? "local";
  const { groupId, userId } = groupMemberSchema.parse(input);
  const group = await requireGroup(groupId);
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
  if (!user) throw new AppError("NOT_FOUND", "groups.userNotFound");
  const existing = await prisma.groupMember.findUnique({ where: { groupId_userId: { groupId, userId } } });
  if (existing) {
    if (source === "local" && existing.source !== "local") await prisma.groupMember.update({ where: { groupId_userId: { groupId, userId } }, data: { source: "local" } });
    return { added: false };
  }
  const made = await prisma.$transaction(async (tx) => {
    const made = await tx.groupMember.createMany({ data: [{ groupId, userId, source }], skipDuplicates: true });
    if (made.count) await appendGroupGrantChanges(tx, { groupId, userIds: [userId], kind: "grant.added", actorId: actorIdOf(input.actor) });
    return made;
  });
  if (made.count === 0) return { added: false };
  await recordAudit({
    actorId: actorIdOf(input.actor),
    action: "group.member_added",
    targetType: "group",
    targetId: groupId,
    meta: input.meta,
    data: { group: group.name, userId, email: user.email, ...viaOf(source) },
  });
  return { added: true };
}

export async function removeGroupMember(input: { actor: Actor; meta?: RequestMeta; groupId: string; userId: string; source?: GroupSource }): Promise<{ removed: true }> {
  requireAdmin(input.actor);
  const { groupId, userId } = groupMemberSchema.parse(input);
  const group = await requireGroup(groupId);
  const prisma = await getPrisma();
  const gone = await prisma.$transaction(async (tx) => {
    const gone = await tx.groupMember.deleteMany({ where: { groupId, userId } });
    if (gone.count) await appendGroupGrantChanges(tx, { groupId, userIds: [userId], kind: "grant.removed", actorId: actorIdOf(input.actor) });
    return gone;
  });
  if (gone.count === 0) throw new AppError("NOT_FOUND", "groups.notMember");
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { email: true } });
  await recordAudit({
    actorId: actorIdOf(input.actor),
    action: "group.member_removed",
    targetType: "group",
    targetId: groupId,
    meta: input.meta,
    data: { group: group.name, userId, email: user?.email ?? null, ...viaOf(input.source) },
  });
  return { removed: true };
}

/** The groups one person is in: an admin may ask about anyone, a person about themselves. */
export async function listUserGroups(input: { actor: Actor; userId: string }): Promise<Array<{ id: string; name: string; source: GroupSource; membership: GroupSource }>> {
  const { userId } = userGroupsSchema.parse(input);
  // Someone else's id answers like an unknown one.
  if (input.actor.role !== "ADMIN" && input.actor.userId !== userId) throw new AppError("NOT_FOUND", "groups.userNotFound");
  const prisma = await getPrisma();
  const rows = await prisma.groupMember.findMany({ where: { userId }, include: { group: true }, orderBy: { group: { nameKey: "asc" } } });
  return rows.map((m) => ({ id: m.group.id, name: m.group.name, source: m.group.source as GroupSource, membership: m.source as GroupSource }));
}

/**
 * A single sign-on's groups claim, applied at every sign-in: the person joins each named group
 * (made, with source "oidc", when missing) and leaves the groups an earlier claim put them in that
 * this one no longer names. Memberships an admin or SCIM made are left alone. Names that break the
 * naming rules are skipped.
 */
export async function applyOidcGroups(input: { userId: string; names: string[]; meta?: RequestMeta }): Promise<{ joined: string[]; left: string[] }> {
  const wanted = new Map<string, string>();
  for (const raw of input.names.slice(0, 1000)) {
    const parsed = groupNameSchema.safeParse(raw);
    if (parsed.success && !wanted.has(groupNameKey(parsed.data))) wanted.set(groupNameKey(parsed.data), parsed.data);
  }
  const prisma = await getPrisma();
  const current = await prisma.groupMember.findMany({ where: { userId: input.userId }, include: { group: true } });
  const have = new Map(current.map((m) => [m.group.nameKey, m]));
  const joined: string[] = [];
  const left: string[] = [];
  for (const [key, name] of wanted) {
    if (have.has(key)) continue;
    let group = await prisma.group.findUnique({ where: { nameKey: key } });
    if (!group) {
      try {
        group = await prisma.group.create({ data: { name, nameKey: key, source: "oidc" } });
        await recordAudit({ actorId: input.userId, action: "group.created", targetType: "group", targetId: group.id, meta: input.meta, data: { name, via: "oidc" } });
      } catch (e) {
        // Another sign-in made it a moment ago.
        if (!isUniqueViolation(e)) throw e;
        group = await prisma.group.findUniqueOrThrow({ where: { nameKey: key } });
      }
    }
    const groupId = group.id;
    const made = await prisma.$transaction(async (tx) => {
      const made = await tx.groupMember.createMany({ data: [{ groupId, userId: input.userId, source: "oidc" }], skipDuplicates: true });
      if (made.count) await appendGroupGrantChanges(tx, { groupId, userIds: [input.userId], kind: "grant.added", actorId: input.userId });
      return made;
    });
    if (made.count === 0) continue;
    joined.push(group.name);
    await recordAudit({ actorId: input.userId, action: "group.member_added", targetType: "group", targetId: group.id, meta: input.meta, data: { group: group.name, userId: input.userId, via: "oidc" } });
  }
  for (const m of current) {
    if (m.source !== "oidc" || wanted.has(m.group.nameKey)) continue;
    const gone = await prisma.$transaction(async (tx) => {
      const gone = await tx.groupMember.deleteMany({ where: { groupId: m.groupId, userId: input.userId, source: "oidc" } });
      if (gone.count) await appendGroupGrantChanges(tx, { groupId: m.groupId, userIds: [input.userId], kind: "grant.removed", actorId: input.userId });
      return gone;
    });
    if (gone.count === 0) continue;
    left.push(m.group.name);
    await recordAudit({ actorId: input.userId, action: "group.member_removed", targetType: "group", targetId: m.groupId, meta: input.meta, data: { group: m.group.name, userId: input.userId, via: "oidc" } });
  }
  return { joined, left };
}
