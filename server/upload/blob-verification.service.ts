import { getPrisma } from "@/server/db/client";
import { registerJobHandler } from "@/server/jobs/queue";
import { recordAudit } from "@/server/audit/audit.service";
import { createNotification } from "@/server/notify/notify.service";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { BlobNotFoundError } from "@/server/storage/blob-store";
import { lockBlob } from "@/server/storage/blob-lock";
import { hashStream } from "@/server/storage/streaming-hash";
import { BLOB_VERIFY_JOB } from "@/server/upload/blob-verify-queue";

/**
 * The queued job (blob.verify) that hashes a PENDING blob, a direct upload's bytes recorded on the
 * uploader's word: it streams the stored object once. The same hash as claimed → VERIFIED under its
 * real sha256, from then on shared by dedup and instant upload like any blob. Another hash → the
 * blob is QUARANTINED (never served: every download path refuses it), each owner of a file on it
 * is notified, and an audit event records both hashes. The queue's lease runs each job on one
 * replica at a time; a retry after a crash finds the blob no longer PENDING and does nothing.
 */
export async function verifyBlob(blobId: string): Promise<{ outcome: "verified" | "merged" | "quarantined" | "gone" | "done" }> {
  const prisma = await getPrisma();
  const blob = await prisma.blob.findUnique({ where: { id: blobId } });
  if (!blob || blob.integrity !== "PENDING") return { outcome: blob ? "done" : "gone" };
  const store = getBlobStore();
  if (store.backend !== blob.backend) throw new Error(`blob ${blobId} is on "${blob.backend}", this server stores on "${store.backend}"`);
  let actual: { sha256: string; size: number };
  try {
    actual = await hashStream(await store.read(blob.storageKey));
  } catch (e) {
    // Its file was deleted and GC took the bytes: nothing is left to verify.
    if (e instanceof BlobNotFoundError && !(await prisma.blob.findUnique({ where: { id: blobId }, select: { id: true } }))) return { outcome: "gone" };
    throw e;
  }
  if (actual.sha256 === blob.claimedSha256 && actual.size === Number(blob.size)) return markVerified(blob, actual.sha256);
  return quarantine(blob, actual.sha256);
}

type PendingBlob = { id: string; backend: string; sha256: string; storageKey: string };

/**
 * Gives the blob its real hash. When a blob of that hash already exists (the same content finished
 * another way meanwhile), the files move onto it and these bytes go to GC: one hash, one blob.
 */
async function markVerified(blob: PendingBlob, sha256: string) {
  const prisma = await getPrisma();
  const store = getBlobStore();
  return prisma.$transaction(async (tx) => {
    // Both locks, in a fixed order: GC and commits of either hash wait for this.
    for (const key of [blob.sha256, sha256].sort()) await lockBlob(tx, blob.backend, key);
    const fresh = await tx.blob.findUnique({ where: { id: blob.id } });
    if (!fresh || fresh.integrity !== "PENDING") return { outcome: "done" as const };
    const existing = await tx.blob.findUnique({ where: { backend_sha256: { backend: blob.backend, sha256 } } });
    if (existing && existing.refCount > 0) {
      await tx.fileVersion.updateMany({ where: { blobId: blob.id }, data: { blobId: existing.id } });
      await tx.blob.update({ where: { id: existing.id }, data: { refCount: { increment: fresh.refCount } } });
      await tx.blob.update({ where: { id: blob.id }, data: { refCount: 0 } });
      return { outcome: "merged" as const };
    }
    if (existing) {
      // A row nothing references (GC has not reached it yet): it gives way, with its bytes.
      await tx.blob.delete({ where: { id: existing.id } });
      await store.delete(existing.storageKey).catch(() => {});
    }
    await tx.blob.update({ where: { id: blob.id }, data: { sha256, integrity: "VERIFIED", claimedSha256: null } });
    return { outcome: "verified" as const };
  });
}

async function quarantine(blob: PendingBlob & { claimedSha256: string | null }, actualSha256: string) {
  const prisma = await getPrisma();
  const files = await prisma.$transaction(async (tx) => {
    const { count } = await tx.blob.updateMany({ where: { id: blob.id, integrity: "PENDING" }, data: { integrity: "QUARANTINED" } });
    if (count === 0) return [];
    // A thumbnail made while the blob was pending shows bytes that are no longer served.
    await tx.thumbnail.deleteMany({ where: { blobId: blob.id } });
    const versions = await tx.fileVersion.findMany({
      where: { blobId: blob.id },
      select: { createdById: true, node: { select: { id: true, name: true, ownerId: true, parentId: true } } },
    });
    // One notice per file: its owner (a team folder's files tell the TEAM account's members through it).
    const seen = new Set<string>();
    for (const v of versions) {
      if (seen.has(v.node.id)) continue;
      seen.add(v.node.id);
      await createNotification(tx, { userId: v.node.ownerId, data: { kind: "quarantined", item: v.node.name, nodeId: v.node.id, folderId: v.node.parentId } });
    }
    return versions;
  });
  const audited = new Set<string>();
  for (const v of files) {
    if (audited.has(v.node.id)) continue;
    audited.add(v.node.id);
    await recordAudit({
      actorId: v.createdById,
      action: "upload.quarantined",
      targetType: "node",
      targetId: v.node.id,
      data: { name: v.node.name, blobId: blob.id, claimedSha256: blob.claimedSha256, actualSha256 },
    });
  }
  return { outcome: "quarantined" as const };
}

registerJobHandler(BLOB_VERIFY_JOB, (payload: { blobId: string }) => verifyBlob(payload.blobId));
