// Sharing with teammates who have accounts: a Grant row gives VIEWER or EDITOR access to a node and
// everything below it; requireNodeAccess (server/drive/access.ts) honours it on every path.
import { getPrisma } from "@/server/db/client";
import { AppError, notFound } from "@/server/errors/app-error";
import { requireNodeAccess } from "@/server/drive/access";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { toNodeDto, type NodeDto } from "@/server/drive/drive.service";
import { createNotification } from "@/server/notify/notify.service";
import { enqueueGrantMail } from "@/server/share/share-mail";
import { appendChange } from "@/server/events/change-log";
import { createGrantSchema, grantRefSchema, nodeGrantsSchema, updateGrantSchema } from "@/server/share/share.schemas";
import type { Actor } from "@/server/auth/actor";

export interface GrantDto {
  id: string;
  nodeId: string;
  role: "VIEWER" | "EDITOR";
  grantee: { id: string; name: string; email: string };
  createdAt: Date;
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
      include: { grantee: { select: { id: true, name: true, email: true } } },
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
  return { id: grant.id, nodeId: grant.nodeId, role: grant.role, grantee: grant.grantee, createdAt: grant.createdAt };
}

/** Who a node of mine is shared with. */
export async function listGrants(input: { actor: Actor; nodeId: string }): Promise<GrantDto[]> {
  const { nodeId } = nodeGrantsSchema.parse(input);
  await requireOwnedNode(input.actor, nodeId);
  const prisma = await getPrisma();
  const rows = await prisma.grant.findMany({
    where: { nodeId },
    orderBy: { createdAt: "asc" },
    include: { grantee: { select: { id: true, name: true, email: true } } },
  });
  return rows.map((g) => ({ id: g.id, nodeId: g.nodeId, role: g.role, grantee: g.grantee, createdAt: g.createdAt }));
}

/** The owner of the node removes a grant; the grantee may also leave a share. */
async function requireGrantFor(actor: Actor, grantId: string, allowGrantee: boolean) {
  const prisma = await getPrisma();
  const grant = await prisma.grant.findUnique({ where: { id: grantId }, include: { node: { select: { ownerId: true } } } });
  if (!grant || !(grant.node.ownerId === actor.userId || (allowGrantee && grant.granteeId === actor.userId))) throw new AppError("NOT_FOUND", "grant.notFound");
  return grant;
}

export async function updateGrant(input: { actor: Actor; grantId: string; role: "VIEWER" | "EDITOR"; meta?: RequestMeta }) {
  const { grantId, role } = updateGrantSchema.parse(input);
  const grant = await requireGrantFor(input.actor, grantId, false);
  const prisma = await getPrisma();
  await prisma.grant.update({ where: { id: grant.id }, data: { role } });
  await recordAudit({ actorId: input.actor.userId, action: "grant.update", targetType: "node", targetId: grant.nodeId, meta: input.meta, data: { granteeId: grant.granteeId, role } });
}

export async function revokeGrant(input: { actor: Actor; grantId: string; meta?: RequestMeta }) {
  const { grantId } = grantRefSchema.parse(input);
  const grant = await requireGrantFor(input.actor, grantId, true);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const node = await tx.grant.delete({ where: { id: grant.id }, select: { node: { select: { kind: true, ownerId: true, parentId: true, name: true } } } });
    await appendChange(tx, { kind: "grant.removed", nodeId: grant.nodeId, nodeKind: node.node.kind, ownerId: node.node.ownerId, actorId: input.actor.userId, granteeId: grant.granteeId, oldParentId: node.node.parentId, oldName: node.node.name });
  });
  await recordAudit({ actorId: input.actor.userId, action: "grant.revoke", targetType: "node", targetId: grant.nodeId, meta: input.meta, data: { granteeId: grant.granteeId } });
}

export interface SharedWithMeDto extends NodeDto {
  grantId: string;
  role: "VIEWER" | "EDITOR";
  owner: { name: string; email: string };
  sharedAt: Date;
}

/** What teammates shared with me (live nodes of enabled accounts), newest first. */
export async function listSharedWithMe(input: { actor: Actor }): Promise<SharedWithMeDto[]> {
  const prisma = await getPrisma();
  const rows = await prisma.grant.findMany({
    where: { granteeId: input.actor.userId, node: { trashedAt: null, owner: { disabledAt: null, deletionRequestedAt: null } } },
    orderBy: { createdAt: "desc" },
    take: 500,
    include: { node: { include: { owner: { select: { name: true, email: true } } } } },
  });
  return rows.map((g) => ({ ...toNodeDto(g.node), grantId: g.id, role: g.role, owner: g.node.owner, sharedAt: g.createdAt }));
}
