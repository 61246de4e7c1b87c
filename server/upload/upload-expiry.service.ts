import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { endUnfinishedUpload } from "@/server/upload/upload.service";

/**
 * Ends uploads left alone past their expiry (UPLOAD_EXPIRY_HOURS after the last byte): their
 * stored bytes are removed and the quota they held is released. Finished uploads' placeholders
 * are removed after the same delay. `removeData` deletes one upload's data from the tus store.
 */
export async function expireStaleUploads(removeData: (uploadId: string) => Promise<void>, now = new Date()) {
  const prisma = await getPrisma();
  const stale = await prisma.uploadSession.findMany({ where: { status: "ACTIVE", expiresAt: { lt: now } }, select: { id: true }, take: 1000 });
  for (const { id } of stale) {
    await removeData(id).catch(() => {});
    await endUnfinishedUpload(id, "ABORTED", "expired");
  }
  const keepFinished = new Date(now.getTime() - getEnv().uploadExpiryHours * 3600_000);
  const finished = await prisma.uploadSession.findMany({
    where: { status: { in: ["COMPLETED", "FAILED", "ABORTED"] }, updatedAt: { lt: keepFinished }, cleanedAt: null },
    select: { id: true },
    take: 1000,
  });
  for (const { id } of finished) {
    await removeData(id).catch(() => {});
    // The row stays as history; marking it keeps the next run from trying again.
    await prisma.uploadSession.update({ where: { id }, data: { cleanedAt: now } });
  }
  return { expired: stale.length, cleaned: finished.length };
}
