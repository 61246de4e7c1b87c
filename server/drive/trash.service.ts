import { getPrisma } from "@/server/db/client";
import { recordAudit } from "@/server/audit/audit.service";
import { AppError } from "@/server/errors/app-error";
import { requireNodeAccess, requireTeamAccount } from "@/server/drive/access";
import { pageSchema, selectNodesSchema } from "@/server/drive/drive.schemas";
import { nextFreeName, toNodeDto, type Crumb, type NodeDto } from "@/server/drive/drive.service";
import { folderPathsOf } from "@/server/drive/node-paths";
import { deleteNodesForGood } from "@/server/drive/node-removal";
import { appendChange } from "@/server/events/change-log";
import { decodeCursor, encodeCursor } from "@/server/drive/cursor";
import type { Actor } from "@/server/auth/actor";
import { Prisma, type Node } from "@/server/db/generated/client.ts";
import { getSettings } from "@/server/settings/settings.service";

const DAY_MS = 86_400_000;
/** Trash roots purged per transaction by the job, so the single PGlite connection is never held long. */
const JOB_BATCH = 50;

export interface TrashItemDto extends NodeDto {
  trashedAt: Date;
  /** When the purge job deletes it for good. */
  expiresAt: Date;
  /** Where it was, root first, or null when that folder is gone (a restore then goes to the root). */
  originalPath: Crumb[] | null;
}

/** Whose trash: the caller's own, or a team folder's (its editors and managers). */
const trashOwnerOf = (actor: Actor, teamFolderId?: string | null) => (teamFolderId ? requireTeamAccount(actor, teamFolderId, "write") : Promise.resolve(actor.userId));

/**
 * The caller's trash, or a team folder's: the nodes deleted (not the contents of deleted folders),
 * newest first.
 */
export async function listTrash(input: { actor: Actor; cursor?: string | null; limit?: number; teamFolderId?: string | null }) {
  const { cursor, limit } = pageSchema.parse(input);
  const after = decodeCursor(cursor);
  const ownerId = await trashOwnerOf(input.actor, input.teamFolderId);
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<Node[]>`
    SELECT * FROM "Node"
    WHERE "ownerId" = ${ownerId} AND "trashedAt" IS NOT NULL AND id = "trashRootId"
      ${after ? Prisma.sql`AND ("trashedAt", id) < (${after.at}, ${after.id})` : Prisma.empty}
    ORDER BY "trashedAt" DESC, id DESC
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const paths = await folderPathsOf(prisma, ownerId, page.map((n) => n.originalParentId));
  const days = (await getSettings()).trashDays;
  const last = page.at(-1);
  return {
    items: page.map(
      (n): TrashItemDto => ({
        ...toNodeDto(n),
        trashedAt: n.trashedAt!,
        expiresAt: new Date(n.trashedAt!.getTime() + days * DAY_MS),
        originalPath: (n.originalParentId && paths.get(n.originalParentId)) || null,
      }),
    ),
    nextCursor: rows.length > limit && last ? encodeCursor(last.trashedAt!, last.id) : null,
  };
}

/** A trash root of the caller's, or NOT_FOUND: foreign ids answer like missing ones. */
async function requireTrashRoot(actor: Actor, nodeId: string): Promise<Node> {
  const node = await requireNodeAccess({ actor, nodeId, need: "write", allowTrashed: true });
  if (!node.trashedAt || node.trashRootId !== node.id) throw new AppError("NOT_FOUND", "trash.notFound");
  return node;
}

/**
 * Puts deleted nodes back: into the folder they were deleted from when it is live and still
 * writable by the caller, otherwise into the caller's root. A name taken there meanwhile gets the
 * "name (1)" suffix. Everything deleted with the node comes back with it.
 */
export async function restoreNodes(input: { actor: Actor; nodeIds: string[] }): Promise<(NodeDto & { parentId: string })[]> {
  const { nodeIds } = selectNodesSchema.parse(input);
  const plan: { node: Node; destinationId: string }[] = [];
  let root: Node | null = null;
  for (const id of new Set(nodeIds)) {
    const node = await requireTrashRoot(input.actor, id);
    let destination: Node | null = null;
    if (node.originalParentId) {
      destination = await requireNodeAccess({ actor: input.actor, nodeId: node.originalParentId, need: "write" }).catch(() => null);
    }
    // The root of the drive it was in: the caller's, or the team folder's for a team's file.
    if (destination?.kind !== "FOLDER") destination = root?.ownerId === node.ownerId ? root : (root = await rootFolderOf(node.ownerId));
    plan.push({ node, destinationId: destination.id });
  }
  const prisma = await getPrisma();
  const restoredNodes = await prisma.$transaction(async (tx) => {
    const restored: (NodeDto & { parentId: string })[] = [];
    for (const { node, destinationId } of plan) {
      const still = await tx.node.findFirst({ where: { id: node.id, trashRootId: node.id } });
      if (!still) throw new AppError("NOT_FOUND", "trash.notFound");
      const name = await nextFreeName(tx, destinationId, node.name, node.kind);
      const inside = await tx.node.findMany({ where: { trashRootId: node.id, id: { not: node.id } }, select: { id: true, kind: true, parentId: true, name: true } });
      await tx.$executeRaw`
        UPDATE "Node" SET "trashedAt" = NULL, "trashRootId" = NULL, "liveName" = name
        WHERE "trashRootId" = ${node.id} AND id <> ${node.id}`;
      const updated = await tx.node.update({
        where: { id: node.id },
        data: { parentId: destinationId, name, liveName: name, trashedAt: null, trashRootId: null, originalParentId: null },
      });
      restored.push({ ...toNodeDto(updated), parentId: destinationId });
      // Every restored node is an event: a client that dropped the subtree at trash time gets it back.
      await appendChange(tx, [
        { kind: "node.restored", nodeId: node.id, nodeKind: node.kind, ownerId: node.ownerId, actorId: input.actor.userId, oldParentId: node.originalParentId, newParentId: destinationId, oldName: node.name, newName: name },
        ...inside.map((n) => ({ kind: "node.restored" as const, nodeId: n.id, nodeKind: n.kind, ownerId: node.ownerId, actorId: input.actor.userId, newParentId: n.parentId, newName: n.name })),
      ]);
    }
    return restored;
  });
  for (const n of restoredNodes) await recordAudit({ actorId: input.actor.userId, action: "node.restore", targetType: "node", targetId: n.id, data: { name: n.name } });
  return restoredNodes;
}

/**
 * Deletes trash roots and everything trashed with them for good, in the caller's transaction
 * (`deleteNodesForGood`). A node trashed on its own inside a purged folder is
 * a separate trash item: it is detached (parent NULL) and stays in the trash.
 */
export async function purgeTrashRoots(tx: Prisma.TransactionClient, rootIds: string[], actorId: string | null = null): Promise<{ nodes: number; bytes: bigint }> {
  if (rootIds.length === 0) return { nodes: 0, bytes: 0n };
  const doomed = (
    await tx.$queryRaw<{ id: string }[]>`
      WITH RECURSIVE down AS (
        SELECT id FROM "Node" WHERE id = ANY(${rootIds}::text[]) AND "trashRootId" = id
        UNION ALL
        SELECT n.id FROM "Node" n JOIN down ON n."parentId" = down.id
        WHERE n."trashRootId" IS DISTINCT FROM n.id
      )
      SELECT id FROM down`
  ).map((r) => r.id);
  if (doomed.length === 0) return { nodes: 0, bytes: 0n };
  await tx.$executeRaw`
    UPDATE "Node" SET "parentId" = NULL
    WHERE "parentId" = ANY(${doomed}::text[]) AND NOT (id = ANY(${doomed}::text[]))`;
  const [sum] = await tx.$queryRaw<{ bytes: bigint | null }[]>`
    SELECT sum(size)::bigint AS bytes FROM "FileVersion" WHERE "nodeId" = ANY(${doomed}::text[])`;
  const roots = await tx.node.findMany({ where: { id: { in: rootIds }, trashRootId: { in: rootIds } }, select: { id: true, kind: true, ownerId: true, originalParentId: true, name: true } });
  await deleteNodesForGood(tx, doomed);
  await appendChange(
    tx,
    roots.map((r) => ({ kind: "node.purged" as const, nodeId: r.id, nodeKind: r.kind, ownerId: r.ownerId, actorId, oldParentId: r.originalParentId, oldName: r.name })),
  );
  return { nodes: doomed.length, bytes: sum?.bytes ?? 0n };
}

/** Deletes the given trash items for good. */
export async function purgeNodes(input: { actor: Actor; nodeIds: string[] }): Promise<{ purged: number; freedBytes: number }> {
  const { nodeIds } = selectNodesSchema.parse(input);
  const roots: string[] = [];
  for (const id of new Set(nodeIds)) roots.push((await requireTrashRoot(input.actor, id)).id);
  const prisma = await getPrisma();
  const result = await prisma.$transaction((tx) => purgeTrashRoots(tx, roots, input.actor.userId), { timeout: 300_000 });
  for (const id of roots) await recordAudit({ actorId: input.actor.userId, action: "node.purge", targetType: "node", targetId: id });
  return { purged: result.nodes, freedBytes: Number(result.bytes) };
}

async function rootFolderOf(ownerId: string): Promise<Node> {
  const prisma = await getPrisma();
  return prisma.node.findUniqueOrThrow({ where: { rootOwnerId: ownerId } });
}

/** Deletes everything in the caller's trash, or a team folder's, for good. */
export async function emptyTrash(input: { actor: Actor; teamFolderId?: string | null }): Promise<{ purged: number; freedBytes: number }> {
  const ownerId = await trashOwnerOf(input.actor, input.teamFolderId);
  const prisma = await getPrisma();
  const result = await prisma.$transaction(
    async (tx) => {
      const roots = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Node" WHERE "ownerId" = ${ownerId} AND "trashedAt" IS NOT NULL AND id = "trashRootId"`;
      return purgeTrashRoots(tx, roots.map((r) => r.id), input.actor.userId);
    },
    { timeout: 300_000 },
  );
  await recordAudit({ actorId: input.actor.userId, action: "trash.empty", targetType: "user", targetId: ownerId, data: { nodes: result.nodes, freedBytes: Number(result.bytes) } });
  return { purged: result.nodes, freedBytes: Number(result.bytes) };
}

/**
 * The trash job: purges every trash item deleted more than the trash retention days (Admin →
 * Settings, or TRASH_DAYS) before `now` (0: everything in the trash), a few items per transaction.
 */
export async function purgeExpiredTrash(input: { now: Date }): Promise<{ purgedItems: number; purgedNodes: number; freedBytes: number }> {
  const cutoff = new Date(input.now.getTime() - (await getSettings()).trashDays * DAY_MS);
  const prisma = await getPrisma();
  let purgedItems = 0;
  let purgedNodes = 0;
  let freedBytes = 0n;
  for (;;) {
    const batch = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Node" WHERE "trashedAt" <= ${cutoff} AND id = "trashRootId" ORDER BY "trashedAt" LIMIT ${JOB_BATCH}`;
    if (batch.length === 0) break;
    const result = await prisma.$transaction((tx) => purgeTrashRoots(tx, batch.map((r) => r.id)), { timeout: 300_000 });
    if (result.nodes === 0) break;
    purgedItems += batch.length;
    purgedNodes += result.nodes;
    freedBytes += result.bytes;
  }
  return { purgedItems, purgedNodes, freedBytes: Number(freedBytes) };
}
