import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { requireNodeAccess } from "@/server/drive/access";
import { nodeRefSchema, versionRefSchema } from "@/server/drive/drive.schemas";
import { assertQuotaAllows } from "@/server/drive/quota";
import { lockBlob } from "@/server/storage/blob-lock";
import { recordAudit } from "@/server/audit/audit.service";
import { appendChange } from "@/server/events/change-log";
import { enqueueSearchIndex } from "@/server/jobs/search-index-queue";
import type { Actor } from "@/server/auth/actor";
import type { Node, Prisma } from "@/server/db/generated/client.ts";
import { getSettings } from "@/server/settings/settings.service";

const DAY_MS = 86_400_000;

export interface VersionDto {
  id: string;
  number: number;
  size: number;
  createdAt: Date;
  createdBy: string | null;
  isCurrent: boolean;
}

async function requireFile(actor: Actor, nodeId: string, need: "read" | "write"): Promise<Node> {
  const node = await requireNodeAccess({ actor, nodeId, need });
  if (node.kind !== "FILE") throw new AppError("BAD_REQUEST", "node.notFile");
  return node;
}

/** A file's versions, newest first; the current one is marked. */
export async function listVersions(input: { actor: Actor; nodeId: string }): Promise<VersionDto[]> {
  const { nodeId } = nodeRefSchema.parse(input);
  const node = await requireFile(input.actor, nodeId, "read");
  const prisma = await getPrisma();
  const versions = await prisma.fileVersion.findMany({
    where: { nodeId: node.id },
    orderBy: { number: "desc" },
    include: { createdBy: { select: { name: true } } },
  });
  return versions.map((v) => ({
    id: v.id,
    number: v.number,
    size: Number(v.size),
    createdAt: v.createdAt,
    createdBy: v.createdBy?.name ?? null,
    isCurrent: v.id === node.currentVersionId,
  }));
}

/**
 * Makes an old version current again by adding it as the NEWEST version (pointing at the same
 * blob), so nothing in the history is lost. The new version is charged to the owner like an upload.
 */
export async function restoreVersion(input: { actor: Actor; nodeId: string; versionId: string }): Promise<VersionDto> {
  const { nodeId, versionId } = versionRefSchema.parse(input);
  const node = await requireFile(input.actor, nodeId, "write");
  const createdById = input.actor.via === "cli" ? null : input.actor.userId;
  const prisma = await getPrisma();
  const created = await prisma.$transaction(async (tx) => {
    const source = await tx.fileVersion.findFirst({ where: { id: versionId, nodeId: node.id } });
    if (!source) throw new AppError("NOT_FOUND", "version.notFound");
    await assertQuotaAllows(tx, node.ownerId, source.size);
    const blob = await tx.blob.findUniqueOrThrow({ where: { id: source.blobId } });
    await lockBlob(tx, blob.backend, blob.sha256);
    const last = await tx.fileVersion.findFirst({ where: { nodeId: node.id }, orderBy: { number: "desc" }, select: { number: true } });
    const version = await tx.fileVersion.create({
      data: { nodeId: node.id, number: (last?.number ?? 0) + 1, blobId: source.blobId, size: source.size, createdById },
      include: { createdBy: { select: { name: true } } },
    });
    await tx.blob.update({ where: { id: source.blobId }, data: { refCount: { increment: 1 } } });
    await tx.node.update({ where: { id: node.id }, data: { currentVersionId: version.id, size: source.size, updatedAt: new Date() } });
    await tx.user.update({ where: { id: node.ownerId }, data: { usedBytes: { increment: source.size } } });
    await applyVersionRetention(tx, node.id);
    await enqueueSearchIndex(tx, node.id);
    await appendChange(tx, { kind: "version.restored", nodeId: node.id, nodeKind: "FILE", ownerId: node.ownerId, actorId: input.actor.userId, newParentId: node.parentId, newName: node.name });
    return version;
  });
  await recordAudit({ actorId: input.actor.userId, action: "version.restore", targetType: "node", targetId: node.id, data: { name: node.name, fromVersionId: versionId } });
  return { id: created.id, number: created.number, size: Number(created.size), createdAt: created.createdAt, createdBy: created.createdBy?.name ?? null, isCurrent: true };
}

/**
 * Deletes one version. A file's only version cannot go (delete the file instead); deleting the
 * current one makes the newest remaining version current.
 */
export async function deleteVersion(input: { actor: Actor; nodeId: string; versionId: string }): Promise<{ currentVersionId: string }> {
  const { nodeId, versionId } = versionRefSchema.parse(input);
  const node = await requireFile(input.actor, nodeId, "write");
  const prisma = await getPrisma();
  const result = await prisma.$transaction(async (tx) => {
    const version = await tx.fileVersion.findFirst({ where: { id: versionId, nodeId: node.id } });
    if (!version) throw new AppError("NOT_FOUND", "version.notFound");
    const next = await tx.fileVersion.findFirst({ where: { nodeId: node.id, id: { not: version.id } }, orderBy: { number: "desc" } });
    if (!next) throw new AppError("BAD_REQUEST", "version.onlyOne");
    const fresh = await tx.node.findUniqueOrThrow({ where: { id: node.id } });
    let currentVersionId = fresh.currentVersionId ?? next.id;
    if (fresh.currentVersionId === version.id) {
      currentVersionId = next.id;
      await tx.node.update({ where: { id: node.id }, data: { currentVersionId: next.id, size: next.size, updatedAt: new Date() } });
      await enqueueSearchIndex(tx, node.id);
    }
    await deleteVersionRows(tx, node.ownerId, [version]);
    return { currentVersionId };
  });
  await recordAudit({ actorId: input.actor.userId, action: "version.delete", targetType: "node", targetId: node.id, data: { name: node.name, versionId } });
  return result;
}

/** Removes versions (never a current one: the caller made sure) and gives back their bytes and blob references. */
async function deleteVersionRows(tx: Prisma.TransactionClient, ownerId: string, versions: { id: string; blobId: string; size: bigint }[]) {
  if (versions.length === 0) return;
  await tx.fileVersion.deleteMany({ where: { id: { in: versions.map((v) => v.id) } } });
  const perBlob = new Map<string, number>();
  for (const v of versions) perBlob.set(v.blobId, (perBlob.get(v.blobId) ?? 0) + 1);
  for (const [blobId, n] of perBlob) await tx.blob.update({ where: { id: blobId }, data: { refCount: { decrement: n } } });
  const bytes = versions.reduce((sum, v) => sum + v.size, 0n);
  await tx.user.update({ where: { id: ownerId }, data: { usedBytes: { decrement: bytes } } });
}

/**
 * Version retention, run in the transaction that adds a version: keeps the newest versionsKeep
 * versions and, when versionsDays is set, none older (site settings: Admin → Settings or the
 * VERSIONS_* variables) than that many days. The current version
 * always stays. Deleted versions release their bytes and blob references.
 */
export async function applyVersionRetention(tx: Prisma.TransactionClient, nodeId: string): Promise<number> {
  const { versionsKeep, versionsDays } = await getSettings();
  const node = await tx.node.findUnique({ where: { id: nodeId }, select: { ownerId: true, currentVersionId: true } });
  if (!node) return 0;
  const versions = await tx.fileVersion.findMany({
    where: { nodeId },
    orderBy: { number: "desc" },
    select: { id: true, blobId: true, size: true, createdAt: true },
  });
  const cutoff = versionsDays === null ? null : new Date(Date.now() - versionsDays * DAY_MS);
  const doomed = versions.filter(
    (v, rank) => v.id !== node.currentVersionId && (rank >= versionsKeep || (cutoff !== null && v.createdAt < cutoff)),
  );
  await deleteVersionRows(tx, node.ownerId, doomed);
  return doomed.length;
}
