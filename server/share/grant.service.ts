// Sharing with teammates who have accounts: a Grant row gives VIEWER or EDITOR access to a node and
// everything below it; requireNodeAccess (server/drive/access.ts) honours it on every path. A grant
// goes to one person or to a group: a group's grant reaches whoever is a member when they ask.
import { getPrisma } from "@/server/db/client";
import { AppError, notFound } from "@/server/errors/app-error";
import { requireNodeAccess } from "@/server/drive/access";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { toNodeDto, type NodeDto } from "@/server/drive/drive.service";
import { createNotification } from "@/server/notify/notify.service";
import { enqueueGrantMail } from "@/server/share/share-mail";
import { appendChange } from "@/server/events/change-log";
import { grantsReaching } from "@/server/drive/grant-scope";
import { createGrantSchema, createGroupGrantSchema, grantRefSchema, nodeGrantsSchema, shareableGroupsSchema, updateGrantSchema } from "@/server/share/share.schemas";
import type { Prisma } from "@/server/db/generated/client.ts";
import type { Actor } from "@/server/auth/actor";

export interface GrantDto {
  id: string;
  nodeId: string;
  role: "VIEWER" | "EDITOR";
  /** Exactly one of `grantee` and `group` is set. */
  grantee: { id: string; name: string; email: string } | null;
  group: { id: string; name: string; memberCount: number } | null;
  createdAt: Date;
}

const grantInclude = {
  grantee: { select: { id: true, name: true, email: true } },
  group: { select: { id: true, name: true, _count: { select: { members: true } } } },
} as const;

type GrantRow = Prisma.GrantGetPayload<{ include: typeof grantInclude }>;

function toGrantDto(g: GrantRow): GrantDto {
  return {
    id: g.id,
    nodeId: g.nodeId,
    role: g.role,
    grantee: g.grantee,
    group: g.group ? { id: g.group.id, name: g.group.name, memberCount: g.group._count.members } : null,
    createdAt: g.createdAt,
  };
}

async function requireOwnedNode(actor: Actor, nodeId: string) {
  const node = await requireNodeAccess({ actor, nodeId, need: "read" });
  if (node.ownerId !== actor.userId) throw notFound();
  return node;
}

/** Shares a node of mine with the account behind `email`; sharing again changes the role. */
export async function shareWithUser(input: { actor: Actor; nodeId: string; email: string; role: "VIEWER" | "EDITOR"; meta?: RequestMeta }): Promise<GrantDto> {
  const { nodeId, email, role } = createGrantSchema.parse(input);
  const node = await requireOwnedNode(input.actor, nodeId);
  if (node.rootOwnerId !== null) throw new AppError("BAD_REQUEST", "share.rootNotShareable");
  const prisma = await getPrisma();
  const grantee = await prisma.user.findUnique({ where: { email } });
  if (!grantee || grantee.disabledAt || grantee.deletionRequestedAt) throw new AppError("NOT_FOUND", "user.notFound");
  if (grantee.id === input.actor.userId) throw new AppError("BAD_REQUEST", "grant.self");
  const grant = await prisma.$transaction(async (tx) => {
    const existing = await tx.grant.findUnique({ where: { nodeId_granteeId: { nodeId, granteeId: grantee.id } } });
    const grant = await tx.grant.upsert({
      where: { nodeId_granteeId: { nodeId, granteeId: grantee.id } },
      create: { nodeId, granteeId: grantee.id, createdById: input.actor.userId, role },
      update: { role },
      include: grantInclude,
    });
    if (!existing) {
      const sender = await tx.user.findUniqueOrThrow({ where: { id: input.actor.userId }, select: { name: true } });
      await createNotification(tx, {
        userId: grantee.id,
        data: { kind: "grant", from: sender.name, item: node.name, nodeId: node.id, nodeKind: node.kind, role },
      });
      await enqueueGrantMail(tx, { senderName: sender.name, to: grantee.email, locale: grantee.locale, itemName: node.name, nodeId: node.id, kind: node.kind, role });
      await appendChange(tx, { kind: "grant.added", nodeId: node.id, nodeKind: node.kind, ownerId: node.ownerId, actorId: input.actor.userId, granteeId: grantee.id, newParentId: node.parentId, newName: node.name });
    }
    return grant;
  });
  await recordAudit({ actorId: input.actor.userId, action: "grant.create", targetType: "node", targetId: nodeId, meta: input.meta, data: { granteeId: grantee.id, role } });
  return toGrantDto(grant);
}

/**
 * The groups a person may share with: the groups they are in, and for an admin every group. A
 * group outside that answers like a missing one.
 */
function shareableGroupsWhere(actor: Actor): Prisma.GroupWhereInput {
  return actor.role === "ADMIN" ? {} : { members: { some: { userId: actor.userId } } };
}

export interface ShareableGroupDto {
  id: string;
  name: string;
  memberCount: number;
}

/** The share dialog's group picker: shareable groups by name, `search` matching part of it. */
export async function listShareableGroups(input: { actor: Actor; search?: string }): Promise<ShareableGroupDto[]> {
  const { search } = shareableGroupsSchema.parse(input);
  const prisma = await getPrisma();
  const rows = await prisma.group.findMany({
    where: { ...shareableGroupsWhere(input.actor), ...(search ? { name: { contains: search, mode: "insensitive" } } : {}) },
    orderBy: { nameKey: "asc" },
    take: 50,
    select: { id: true, name: true, _count: { select: { members: true } } },
  });
  return rows.map((g) => ({ id: g.id, name: g.name, memberCount: g._count.members }));
}

/**
 * Shares a node of mine with a group; sharing again changes the role. Each member is told (a
 * notification, no mail: a group may be large) and hears a grant event, as a person shared with does.
 */
export async function shareWithGroup(input: { actor: Actor; nodeId: string; groupId: string; role: "VIEWER" | "EDITOR"; meta?: RequestMeta }): Promise<GrantDto> {
  const { nodeId, groupId, role } = createGroupGrantSchema.parse(input);
  const node = await requireOwnedNode(input.actor, nodeId);
  if (node.rootOwnerId !== null) throw new AppError("BAD_REQUEST", "share.rootNotShareable");
  const prisma = await getPrisma();
  const group = await prisma.group.findFirst({ where: { id: groupId, ...shareableGroupsWhere(input.actor) }, select: { id: true, name: true } });
  if (!group) throw new AppError("NOT_FOUND", "groups.notFound");
  const grant = await prisma.$transaction(async (tx) => {
    const existing = await tx.grant.findUnique({ where: { nodeId_groupId: { nodeId, groupId } } });
    const grant = await tx.grant.upsert({
      where: { nodeId_groupId: { nodeId, groupId } },
      create: { nodeId, groupId, createdById: input.actor.userId, role },
      update: { role },
      include: grantInclude,
    });
    if (!existing) {
      const sender = await tx.user.findUniqueOrThrow({ where: { id: input.actor.userId }, select: { name: true } });
      const members = await tx.groupMember.findMany({ where: { groupId, userId: { not: input.actor.userId }, user: { disabledAt: null } }, select: { userId: true } });
      for (const m of members) {
        await createNotification(tx, { userId: m.userId, data: { kind: "grant", from: sender.name, item: node.name, nodeId: node.id, nodeKind: node.kind, role } });
      }
      await appendChange(
        tx,
        members.map((m) => ({ kind: "grant.added" as const, nodeId: node.id, nodeKind: node.kind, ownerId: node.ownerId, actorId: input.actor.userId, granteeId: m.userId, newParentId: node.parentId, newName: node.name })),
      );
    }
    return grant;
  });
  await recordAudit({ actorId: input.actor.userId, action: "grant.create", targetType: "node", targetId: nodeId, meta: input.meta, data: { groupId, group: group.name, role } });
  return toGrantDto(grant);
}

/** Who a node of mine is shared with. */
export async function listGrants(input: { actor: Actor; nodeId: string }): Promise<GrantDto[]> {
  const { nodeId } = nodeGrantsSchema.parse(input);
  await requireOwnedNode(input.actor, nodeId);
  const prisma = await getPrisma();
  const rows = await prisma.grant.findMany({
    where: { nodeId },
    orderBy: { createdAt: "asc" },
    include: grantInclude,
  });
  return rows.map(toGrantDto);
}

/**
 * The owner of the node removes a grant; the grantee may also leave a share. A group's share is
 * left by leaving the group: a member who tries is told so.
 */
async function requireGrantFor(actor: Actor, grantId: string, allowGrantee: boolean) {
  const prisma = await getPrisma();
  const grant = await prisma.grant.findUnique({ where: { id: grantId }, include: { node: { select: { ownerId: true } }, group: { select: { name: true } } } });
  if (grant && grant.node.ownerId === actor.userId) return grant;
  if (grant && allowGrantee && grant.granteeId === actor.userId) return grant;
  if (grant?.groupId && allowGrantee && (await prisma.groupMember.findUnique({ where: { groupId_userId: { groupId: grant.groupId, userId: actor.userId } } }))) {
    throw new AppError("BAD_REQUEST", "grant.groupLeave");
  }
  throw new AppError("NOT_FOUND", "grant.notFound");
}

export async function updateGrant(input: { actor: Actor; grantId: string; role: "VIEWER" | "EDITOR"; meta?: RequestMeta }) {
  const { grantId, role } = updateGrantSchema.parse(input);
  const grant = await requireGrantFor(input.actor, grantId, false);
  const prisma = await getPrisma();
  await prisma.grant.update({ where: { id: grant.id }, data: { role } });
  await recordAudit({ actorId: input.actor.userId, action: "grant.update", targetType: "node", targetId: grant.nodeId, meta: input.meta, data: { ...granteeOf(grant), role } });
}

export async function revokeGrant(input: { actor: Actor; grantId: string; meta?: RequestMeta }) {
  const { grantId } = grantRefSchema.parse(input);
  const grant = await requireGrantFor(input.actor, grantId, true);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    // A group's members at this moment are the people who lose it.
    const grantees = grant.groupId ? (await tx.groupMember.findMany({ where: { groupId: grant.groupId }, select: { userId: true } })).map((m) => m.userId) : [grant.granteeId!];
    const node = await tx.grant.delete({ where: { id: grant.id }, select: { node: { select: { kind: true, ownerId: true, parentId: true, name: true } } } });
    await appendChange(
      tx,
      grantees
        .filter((id) => id !== node.node.ownerId)
        .map((granteeId) => ({ kind: "grant.removed" as const, nodeId: grant.nodeId, nodeKind: node.node.kind, ownerId: node.node.ownerId, actorId: input.actor.userId, granteeId, oldParentId: node.node.parentId, oldName: node.node.name })),
    );
  });
  await recordAudit({ actorId: input.actor.userId, action: "grant.revoke", targetType: "node", targetId: grant.nodeId, meta: input.meta, data: granteeOf(grant) });
}

/** What the audit log says a grant is to. */
function granteeOf(grant: { granteeId: string | null; groupId: string | null; group?: { name: string } | null }) {
  return grant.groupId ? { groupId: grant.groupId, group: grant.group?.name ?? null } : { granteeId: grant.granteeId };
}

export interface SharedWithMeDto extends NodeDto {
  grantId: string;
  /** The group that holds the share, when the caller has it only through a group (it cannot be left here). */
  viaGroup: string | null;
  role: "VIEWER" | "EDITOR";
  owner: { name: string; email: string };
  sharedAt: Date;
}

/**
 * What teammates shared with me or a group of mine (live nodes of enabled accounts), newest first,
 * one row per node: my own grant when I have one (so it can be left), with the strongest role.
 */
export async function listSharedWithMe(input: { actor: Actor }): Promise<SharedWithMeDto[]> {
  const prisma = await getPrisma();
  const rows = await prisma.grant.findMany({
    where: { ...grantsReaching(input.actor.userId), node: { ownerId: { not: input.actor.userId }, trashedAt: null, owner: { disabledAt: null, deletionRequestedAt: null } } },
    orderBy: { createdAt: "desc" },
    take: 500,
    include: { node: { include: { owner: { select: { name: true, email: true } } } }, group: { select: { name: true } } },
  });
  const byNode = new Map<string, SharedWithMeDto>();
  for (const g of rows) {
    const row: SharedWithMeDto = { ...toNodeDto(g.node), grantId: g.id, viaGroup: g.group?.name ?? null, role: g.role, owner: g.node.owner, sharedAt: g.createdAt };
    const seen = byNode.get(g.nodeId);
    if (!seen) byNode.set(g.nodeId, row);
    else {
      const role = seen.role === "EDITOR" || row.role === "EDITOR" ? "EDITOR" : "VIEWER";
      byNode.set(g.nodeId, { ...(seen.viaGroup && !row.viaGroup ? row : seen), role });
    }
  }
  return [...byNode.values()];
}
