import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import { formatBytes } from "@/server/i18n/messages";
import type { Prisma } from "@/server/db/generated/client.ts";

/**
 * Throws PAYLOAD_TOO_LARGE unless `bytes` more fit in the owner's quota, counting stored bytes and
 * the bytes reserved by their uploads in flight. Locking the owner's row (FOR UPDATE) serialises
 * concurrent callers, so parallel uploads cannot overshoot the quota together.
 * Must run inside the transaction that then records the reservation or the new bytes.
 */
export async function assertQuotaAllows(tx: Prisma.TransactionClient, ownerId: string, bytes: bigint): Promise<void> {
  const [owner] = await tx.$queryRaw<{ quotaBytes: bigint | null; usedBytes: bigint }[]>`
    SELECT "quotaBytes", "usedBytes" FROM "User" WHERE id = ${ownerId} FOR UPDATE`;
  if (!owner) return;
  const fallback = getEnv().defaultQuotaBytes;
  const quota = owner.quotaBytes ?? (fallback === null ? null : BigInt(fallback));
  if (quota === null) return;
  const reserved = await tx.uploadSession.aggregate({ where: { chargedToId: ownerId, status: "ACTIVE" }, _sum: { reservedBytes: true } });
  const remaining = quota - owner.usedBytes - (reserved._sum.reservedBytes ?? 0n);
  if (bytes > remaining) {
    throw new AppError("PAYLOAD_TOO_LARGE", "upload.quota", {
      needed: formatBytes(Number(bytes)),
      remaining: formatBytes(Math.max(0, Number(remaining))),
    });
  }
}
