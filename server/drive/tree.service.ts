import { randomUUID } from "node:crypto";
import { recordAudit } from "@/server/audit/audit.service";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { requireParentWritable, requireNodeAccess } from "@/server/drive/access";
import { copyNodesSchema, moveNodesSchema, renameNodeSchema, selectNodesSchema } from "@/server/drive/drive.schemas";
import { nextFreeName, toNodeDto, uniqueNameError, type NodeDto } from "@/server/drive/drive.service";
import { assertQuotaAllows } from "@/server/drive/quota";
import { lockBlob } from "@/server/storage/blob-lock";
import { appendChange } from "@/server/events/change-log";
import { enqueueSearchBackfill } from "@/server/jobs/search-index-queue";
import type { Actor } from "@/server/auth/actor";
import type { Node, Prisma } from "@/server/db/generated/client.ts";

/** Rows written per statement when a copy makes many nodes (well under PostgreSQL's bind limit). */
const BATCH = 1000;

/** Access for a node that is about to change place or name: writable, and not a root folder. */
async function requireMovableNode(actor: Actor, nodeId: string): Promise<Node> {
  const node = await requireNodeAccess({ actor, nodeId, need: "write" });
  if (node.rootOwnerId !== null) throw new AppError("BAD_REQUEST", "node.isRoot");
  await requireParentWritable(actor, node);
  return node;
}

async function requireTargetFolder(actor: Actor, targetId: string): Promise<Node> {
  const target = await requireNodeAccess({ actor, nodeId: targetId, need: "write" });
  if (target.kind !== "FOLDER") throw new AppError("BAD_REQUEST", "node.notFolder");
  return target;
}

/**
 * Structural changes of one drive run one at a time: locking the owner's row keeps two moves from
 * each passing the cycle check and together making a loop (PostgreSQL; PGlite is serial anyway).
 */
async function lockDrive(tx: Prisma.TransactionClient, ownerId: string) {
  await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${ownerId} FOR UPDATE`;
}

/** Refuses when the folder `targetId` is one of `nodeIds` or lies inside one of them. */
async function assertNotIntoItself(tx: Prisma.TransactionClient, nodes: Node[], targetId: string) {
  const ids = nodes.map((n) => n.id);
  const [hit] = await tx.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE up AS (
      SELECT id, "parentId" FROM "Node" WHERE id = ${targetId}
      UNION ALL
      SELECT n.id, n."parentId" FROM "Node" n JOIN up ON n.id = up."parentId"
    )
    SELECT id FROM up WHERE id = ANY(${ids}::text[]) LIMIT 1`;
  if (hit) throw new AppError("BAD_REQUEST", "move.intoItself", { name: nodes.find((n) => n.id === hit.id)?.name ?? "" });
}

export async function renameNode(input: { actor: Actor; nodeId: string; name: string }): Promise<NodeDto> {
  const { nodeId, name } = renameNodeSchema.parse(input);
  const node = await requireMovableNode(input.actor, nodeId);
  if (node.name === name) return toNodeDto(node);
  const prisma = await getPrisma();
  try {
    // The condition keeps a rename from resurrecting a node trashed since the access check.
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.node.updateMany({ where: { id: node.id, trashedAt: null }, data: { name, liveName: name, updatedAt: new Date() } });
      if (count === 0) throw new AppError("NOT_FOUND", "node.notFound");
      await appendChange(tx, {
        kind: "node.renamed", nodeId: node.id, nodeKind: node.kind, ownerId: node.ownerId, actorId: input.actor.userId,
        oldParentId: node.parentId, newParentId: node.parentId, oldName: node.name, newName: name,
      });
    });
  } catch (e) {
    throw uniqueNameError(e, name) ?? e;
  }
  await recordAudit({ actorId: input.actor.userId, action: "node.rename", targetType: "node", targetId: node.id, data: { name, from: node.name, kind: node.kind } });
  return toNodeDto(await prisma.node.findUniqueOrThrow({ where: { id: node.id } }));
}

/**
 * Moves nodes into a folder of the same drive. A folder cannot go into itself or below itself, and
 * a name already in the target (or twice in the selection) refuses the whole move, naming it.
 */
export async function moveNodes(input: { actor: Actor; nodeIds: string[]; targetId: string }): Promise<NodeDto[]> {
  const { nodeIds, targetId } = moveNodesSchema.parse(input);
  const target = await requireTargetFolder(input.actor, targetId);
  const nodes: Node[] = [];
  for (const id of new Set(nodeIds)) nodes.push(await requireMovableNode(input.actor, id));
  if (nodes.some((n) => n.ownerId !== target.ownerId)) throw new AppError("BAD_REQUEST", "move.otherOwner");

  const prisma = await getPrisma();
  const moved = await prisma.$transaction(async (tx) => {
    await lockDrive(tx, target.ownerId);
    const fresh = await tx.node.findMany({ where: { id: { in: nodes.map((n) => n.id) }, trashedAt: null } });
    const liveTarget = await tx.node.findFirst({ where: { id: target.id, trashedAt: null } });
    if (fresh.length !== nodes.length || !liveTarget) throw new AppError("NOT_FOUND", "node.notFound");
    await assertNotIntoItself(tx, fresh, target.id);

    const moving = fresh.filter((n) => n.parentId !== target.id);
    const seen = new Set<string>();
    for (const n of moving) {
      if (seen.has(n.name)) throw new AppError("CONFLICT", "name.taken", { name: n.name });
      seen.add(n.name);
    }
    const clash = await tx.node.findFirst({ where: { parentId: target.id, liveName: { in: [...seen] } }, select: { name: true } });
    if (clash) throw new AppError("CONFLICT", "name.taken", { name: clash.name });

    const moved: NodeDto[] = [];
    for (const n of fresh) {
      if (n.parentId === target.id) {
        moved.push(toNodeDto(n));
        continue;
      }
      try {
        moved.push(toNodeDto(await tx.node.update({ where: { id: n.id }, data: { parentId: target.id } })));
      } catch (e) {
        throw uniqueNameError(e, n.name) ?? e;
      }
    }
    await appendChange(
      tx,
      moving.map((n) => ({
        kind: "node.moved" as const, nodeId: n.id, nodeKind: n.kind, ownerId: n.ownerId, actorId: input.actor.userId,
        oldParentId: n.parentId, newParentId: target.id, oldName: n.name, newName: n.name,
      })),
    );
    return moved;
  });
  for (const n of nodes.filter((n) => n.parentId !== target.id)) await recordAudit({ actorId: input.actor.userId, action: "node.move", targetType: "node", targetId: n.id, data: { name: n.name, kind: n.kind, fromId: n.parentId, toId: target.id } });
  return moved;
}

interface CopyRow {
  id: string;
  parentId: string | null;
  kind: "FILE" | "FOLDER";
  name: string;
  mimeType: string | null;
  depth: number;
  blobId: string | null;
  size: bigint | null;
}

/** The live subtrees under `ids`, roots at depth 0, with each file's current blob and size. */
function liveSubtreeForCopy(tx: Prisma.TransactionClient, ids: string[]) {
  return tx.$queryRaw<CopyRow[]>`
    WITH RECURSIVE down AS (
      SELECT id, "parentId", kind::text AS kind, name, "mimeType", "currentVersionId", 0 AS depth
      FROM "Node" WHERE id = ANY(${ids}::text[]) AND "trashedAt" IS NULL
      UNION ALL
      SELECT n.id, n."parentId", n.kind::text, n.name, n."mimeType", n."currentVersionId", down.depth + 1
      FROM "Node" n JOIN down ON n."parentId" = down.id WHERE n."trashedAt" IS NULL
    )
    SELECT d.id, d."parentId", d.kind, d.name, d."mimeType", d.depth, v."blobId", v.size
    FROM down d LEFT JOIN "FileVersion" v ON v.id = d."currentVersionId"
    ORDER BY d.depth`;
}

/**
 * Copies files and folders (recursively) into a folder, in one transaction. A copy shares the
 * original's blob (refCount + 1) but is charged to the target's owner like any new file, and the
 * quota is checked for the whole copy first. Only the current version is copied. A name already
 * in the target gets the "name (1)" suffix, as a copy into the same folder does.
 */
export async function copyNodes(input: { actor: Actor; nodeIds: string[]; targetId: string }): Promise<NodeDto[]> {
  const { nodeIds, targetId } = copyNodesSchema.parse(input);
  const target = await requireTargetFolder(input.actor, targetId);
  const sources: Node[] = [];
  for (const id of new Set(nodeIds)) {
    const source = await requireNodeAccess({ actor: input.actor, nodeId: id, need: "read" });
    if (source.rootOwnerId !== null) throw new AppError("BAD_REQUEST", "node.isRoot");
    sources.push(source);
  }
  const createdById = input.actor.via === "cli" ? null : input.actor.userId;

  const prisma = await getPrisma();
  const copies = await prisma.$transaction(
    async (tx) => {
      await lockDrive(tx, target.ownerId);
      await assertNotIntoItself(tx, sources, target.id);
      let rows = await liveSubtreeForCopy(tx, sources.map((s) => s.id));
      if (rows.filter((r) => r.depth === 0).length !== sources.length) throw new AppError("NOT_FOUND", "node.notFound");
      // A node selected together with a folder above it is copied once, inside that folder's copy.
      const nested = new Set(rows.filter((r) => r.depth > 0).map((r) => r.id));
      const outer = sources.filter((s) => !nested.has(s.id));
      if (outer.length < sources.length) rows = await liveSubtreeForCopy(tx, outer.map((s) => s.id));
      const order = new Map(outer.map((n, i) => [n.id, i]));
      rows.sort((a, b) => a.depth - b.depth || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      const total = rows.reduce((sum, r) => sum + (r.size ?? 0n), 0n);
      await assertQuotaAllows(tx, target.ownerId, total);

      const newId = new Map(rows.map((r) => [r.id, randomUUID()]));
      const nodes: Prisma.NodeCreateManyInput[] = [];
      const versions: Prisma.FileVersionCreateManyInput[] = [];
      for (const r of rows) {
        const id = newId.get(r.id)!;
        const top = r.depth === 0;
        const name = top ? await nextFreeName(tx, target.id, r.name, r.kind) : r.name;
        const parentId = top ? target.id : newId.get(r.parentId!)!;
        // Top-level copies go in one by one, so the next free name sees the previous copy.
        const data = { id, ownerId: target.ownerId, parentId, kind: r.kind, name, liveName: name, mimeType: r.mimeType, size: r.size ?? 0n };
        if (top) await tx.node.create({ data });
        else nodes.push(data);
        if (r.blobId) versions.push({ id: randomUUID(), nodeId: id, number: 1, blobId: r.blobId, size: r.size ?? 0n, createdById });
      }
      for (let i = 0; i < nodes.length; i += BATCH) await tx.node.createMany({ data: nodes.slice(i, i + BATCH) });
      for (let i = 0; i < versions.length; i += BATCH) await tx.fileVersion.createMany({ data: versions.slice(i, i + BATCH) });
      // Each new reference is taken under the blob's lock, so the garbage collector cannot delete
      // bytes this copy points at (the order keeps two copies from waiting on each other).
      const blobIds = [...new Set(versions.map((v) => v.blobId))];
      const blobs = await tx.$queryRaw<{ backend: string; sha256: string }[]>`
        SELECT backend, sha256 FROM "Blob" WHERE id = ANY(${blobIds}::text[]) ORDER BY backend, sha256`;
      for (const b of blobs) await lockBlob(tx, b.backend, b.sha256);
      const versionIds = versions.map((v) => v.id!);
      if (versionIds.length) {
        await tx.$executeRaw`
          UPDATE "Node" n SET "currentVersionId" = v.id FROM "FileVersion" v
          WHERE v."nodeId" = n.id AND v.id = ANY(${versionIds}::text[])`;
        await tx.$executeRaw`
          UPDATE "Blob" b SET "refCount" = b."refCount" + c.n
          FROM (SELECT "blobId", count(*)::int AS n FROM "FileVersion" WHERE id = ANY(${versionIds}::text[]) GROUP BY "blobId") c
          WHERE b.id = c."blobId"`;
      }
      if (total > 0n) await tx.user.update({ where: { id: target.ownerId }, data: { usedBytes: { increment: total } } });
      // The copies' text is indexed by one backfill pass rather than a job per file.
      if (versionIds.length) await enqueueSearchBackfill(tx);
      const tops = rows.filter((r) => r.depth === 0);
      const created = await tx.node.findMany({ where: { id: { in: tops.map((r) => newId.get(r.id)!) } } });
      // One event per new node: a sync client applying the log gets the whole copied tree.
      const copied = [...created.map((n) => ({ id: n.id, kind: n.kind, parentId: n.parentId, name: n.name })), ...nodes];
      await appendChange(
        tx,
        copied.map((c) => ({
          kind: "node.copied" as const, nodeId: c.id!, nodeKind: c.kind, ownerId: target.ownerId, actorId: input.actor.userId,
          newParentId: c.parentId, newName: c.name,
        })),
      );
      return tops.map((r) => ({ sourceId: r.id, node: toNodeDto(created.find((n) => n.id === newId.get(r.id))!) }));
    },
    // A large folder is copied in one transaction: give it more than the default half minute.
    { timeout: 300_000 },
  );
  for (const { sourceId, node } of copies) await recordAudit({ actorId: input.actor.userId, action: "node.copy", targetType: "node", targetId: node.id, data: { name: node.name, kind: node.kind, sourceId, toId: target.id } });
  return copies.map((c) => c.node);
}

/**
 * Moves nodes to the trash: the node and every live descendant get trashedAt and the trash root,
 * lose their live name (so the name is free again), and the root remembers its parent for
 * restoring. Bytes stay charged until the trash is purged. Already trashed nodes are skipped.
 */
export async function trashNodes(input: { actor: Actor; nodeIds: string[] }): Promise<{ trashed: number }> {
  const { nodeIds } = selectNodesSchema.parse(input);
  const nodes: Node[] = [];
  for (const id of new Set(nodeIds)) nodes.push(await requireMovableNode(input.actor, id));
  const prisma = await getPrisma();
  const result = await prisma.$transaction(async (tx) => {
    const now = new Date();
    let trashed = 0;
    for (const n of nodes) {
      // A node selected with its folder was trashed with the folder a moment ago.
      const fresh = await tx.node.findFirst({ where: { id: n.id, trashedAt: null } });
      if (!fresh) continue;
      await tx.node.update({ where: { id: fresh.id }, data: { originalParentId: fresh.parentId } });
      trashed += await tx.$executeRaw`
        WITH RECURSIVE down AS (
          SELECT id FROM "Node" WHERE id = ${fresh.id}
          UNION ALL
          SELECT n.id FROM "Node" n JOIN down ON n."parentId" = down.id WHERE n."trashedAt" IS NULL
        )
        UPDATE "Node" SET "trashedAt" = ${now}, "trashRootId" = ${fresh.id}, "liveName" = NULL
        WHERE id IN (SELECT id FROM down)`;
      // One event for the trashed root: its contents go with it.
      await appendChange(tx, {
        kind: "node.trashed", nodeId: fresh.id, nodeKind: fresh.kind, ownerId: fresh.ownerId, actorId: input.actor.userId,
        oldParentId: fresh.parentId, oldName: fresh.name,
      });
    }
    return { trashed };
  });
  for (const n of nodes) await recordAudit({ actorId: input.actor.userId, action: "node.delete", targetType: "node", targetId: n.id, data: { name: n.name, kind: n.kind } });
  return result;
}
