import { getPrisma } from "@/server/db/client";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { lockBlob } from "@/server/storage/blob-lock";

// Bytes on the store that no row knows of are removed only once this old: a commit adopts bytes
// before its transaction commits, and those must not look like leftovers meanwhile.
const ORPHAN_AGE_MS = 24 * 3600_000;

/**
 * Deletes blobs nothing references any more (refCount 0), each under its lock so a concurrent
 * commit cannot reuse bytes being deleted, and then sweeps bytes on the store that no Blob row
 * points at (left by a crash between adoption and commit).
 */
export async function collectGarbage(now = new Date()) {
  const prisma = await getPrisma();
  const store = getBlobStore();
  let deleted = 0;
  let freedBytes = 0;
  const candidates = await prisma.blob.findMany({ where: { backend: store.backend, refCount: 0 }, take: 1000 });
  for (const c of candidates) {
    await prisma.$transaction(async (tx) => {
      await lockBlob(tx, c.backend, c.sha256);
      const gone = await tx.blob.deleteMany({ where: { id: c.id, refCount: 0 } });
      if (gone.count === 0) return; // referenced again meanwhile
      // Deleted inside the lock: a commit of the same bytes waits, then finds no row and adopts anew.
      await store.delete(c.storageKey);
      deleted++;
      freedBytes += Number(c.size);
    });
  }

  let orphans = 0;
  for await (const key of store.list()) {
    if (await prisma.blob.findFirst({ where: { backend: store.backend, storageKey: key }, select: { id: true } })) continue;
    const head = await store.head(key);
    if (!head || now.getTime() - head.modifiedAt.getTime() < ORPHAN_AGE_MS) continue;
    await store.delete(key);
    orphans++;
    freedBytes += head.size;
  }
  return { deleted, orphans, freedBytes };
}

/** What the admin overview shows: logical bytes (every version), physical bytes, dedup savings. */
export async function getStorageStats() {
  const prisma = await getPrisma();
  const [logical, physical] = await Promise.all([
    prisma.fileVersion.aggregate({ _sum: { size: true }, _count: true }),
    prisma.blob.aggregate({ where: { refCount: { gt: 0 } }, _sum: { size: true }, _count: true }),
  ]);
  const logicalBytes = Number(logical._sum.size ?? 0n);
  const physicalBytes = Number(physical._sum.size ?? 0n);
  return { versions: logical._count, blobs: physical._count, logicalBytes, physicalBytes, savedByDedupBytes: logicalBytes - physicalBytes };
}
