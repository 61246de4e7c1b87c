import { nextFreeName } from "@/server/drive/drive.service";
import { applyVersionRetention } from "@/server/drive/versions.service";
import { lockBlob } from "@/server/storage/blob-lock";
import { notFound } from "@/server/errors/app-error";
import type { Prisma } from "@/server/db/generated/client.ts";
import { enqueueThumbnail } from "@/server/thumbnails/thumbnail.service";
import { appendChange } from "@/server/events/change-log";
import { enqueueSearchIndex } from "@/server/jobs/search-index-queue";

/**
 * Makes a blob the newest content of `filename` in a folder, inside the caller's transaction:
 * a new version of the live file with that name, or a new file (suffixed when a folder holds the
 * name). Takes a reference on the blob and charges the folder owner's logical bytes.
 * `keepBoth` never adds a version: the file gets the next free "name (n).ext" instead.
 */
export async function commitFileVersion(
  tx: Prisma.TransactionClient,
  input: { parentId: string; filename: string; blobId: string; size: bigint; mimeType: string; createdById: string; ownerId?: string; keepBoth?: boolean; shareLinkId?: string | null },
) {
  // The folder may have been trashed or purged while the bytes travelled: the file then lands in
  // its owner's root rather than inside the trash (or nowhere), so no uploaded byte is lost.
  let parent = await tx.node.findUnique({ where: { id: input.parentId } });
  if ((!parent || parent.trashedAt) && input.ownerId) parent = await tx.node.findUnique({ where: { rootOwnerId: input.ownerId } });
  if (!parent || parent.trashedAt) throw notFound();
  // Under the blob's lock (re-entrant within one transaction), so GC cannot remove it meanwhile.
  const blob = await tx.blob.findUniqueOrThrow({ where: { id: input.blobId } });
  await lockBlob(tx, blob.backend, blob.sha256);
  await tx.blob.update({ where: { id: input.blobId }, data: { refCount: { increment: 1 } } });
  // Names in this folder are decided one commit at a time: two concurrent "keep both" uploads of
  // a.txt would otherwise both pick "a (1).txt", and two first uploads of a name both create it;
  // either way one transaction would fail on the unique live name.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`names:${parent.id}`}, 0))`;
  const same = await tx.node.findFirst({ where: { parentId: parent.id, liveName: input.filename } });
  let nodeId: string;
  let number = 1;
  // keepBoth: the uploader chose "keep both", or a visitor's drop through a link (never a new
  // version of a file they cannot see).
  if (same?.kind === "FILE" && !input.keepBoth) {
    nodeId = same.id;
    const last = await tx.fileVersion.findFirst({ where: { nodeId }, orderBy: { number: "desc" }, select: { number: true } });
    number = (last?.number ?? 0) + 1;
  } else {
    const name = same ? await nextFreeName(tx, parent.id, input.filename) : input.filename;
    const created = await tx.node.create({
      data: { ownerId: parent.ownerId, parentId: parent.id, kind: "FILE", name, liveName: name, size: input.size, mimeType: input.mimeType },
    });
    nodeId = created.id;
  }
  const version = await tx.fileVersion.create({ data: { nodeId, number, blobId: input.blobId, size: input.size, createdById: input.createdById } });
  const node = await tx.node.update({ where: { id: nodeId }, data: { currentVersionId: version.id, size: input.size, mimeType: input.mimeType, updatedAt: new Date() } });
  await tx.user.update({ where: { id: parent.ownerId }, data: { usedBytes: { increment: input.size } } });
  await applyVersionRetention(tx, nodeId);
  await enqueueThumbnail(tx, { blobId: input.blobId, mimeType: input.mimeType, size: input.size });
  await enqueueSearchIndex(tx, nodeId);
  const kind = number > 1 ? "file.versioned" : input.shareLinkId ? "file.dropped" : "file.uploaded";
  await appendChange(tx, {
    kind, nodeId, nodeKind: "FILE", ownerId: node.ownerId, actorId: input.shareLinkId ? null : input.createdById,
    shareLinkId: input.shareLinkId, newParentId: node.parentId, newName: node.name,
  });
  return { node, version };
}
