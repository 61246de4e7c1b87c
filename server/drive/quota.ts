import { AppError } from "@/server/errors/app-error";
import { formatBytes } from "@/server/i18n/messages";
import type { Prisma } from "@/server/db/generated/client.ts";
import { getSettings } from "@/server/settings/settings.service";

/**
 * What is left of the owner's quota (null: no quota), counting stored bytes and the bytes
 * reserved by their uploads in flight. Locking the owner's row (FOR UPDATE) serialises concurrent
 * callers, so parallel uploads cannot overshoot the quota together. Must run inside the
 * transaction that then records the reservation or the new bytes.
 */
export async function remainingQuota(tx: Prisma.TransactionClient, ownerId: string): Promise<bigint | null> {
  const [owner] = await tx.$queryRaw<{ quotaBytes: bigint | null; usedBytes: bigint }[]>`
    SELECT "quotaBytes", "usedBytes" FROM "User" WHERE id = ${ownerId} FOR UPDATE`;
  if (!owner) return null;
  const fallback = (await getSettings()).defaultQuotaBytes;
  const quota = owner.quotaBytes ?? (fallback === null ? null : BigInt(fallback));
  if (quota === null) return null;
  const reserved = await tx.uploadSession.aggregate({ where: { chargedToId: ownerId, status: "ACTIVE" }, _sum: { reservedBytes: true } });
  return quota - owner.usedBytes - (reserved._sum.reservedBytes ?? 0n);
}

/** The refusal when a file of `needed` bytes does not fit in the `remaining` bytes of a quota. */
export function quotaError(needed: bigint, remaining: bigint): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", "upload.quota", {
    needed: formatBytes(Number(needed)),
    remaining: formatBytes(Math.max(0, Number(remaining))),
  });
}

/**
 * Throws PAYLOAD_TOO_LARGE unless `bytes` more fit in the owner's quota (see remainingQuota). A team
 * folder's owner is its TEAM account, so the refusal then names the team folder's quota, not "yours".
 */
export async function assertQuotaAllows(tx: Prisma.TransactionClient, ownerId: string, bytes: bigint): Promise<void> {
  const remaining = await remainingQuota(tx, ownerId);
  if (remaining === null || bytes <= remaining) return;
  const team = await tx.user.findUnique({ where: { id: ownerId }, select: { kind: true, quotaBytes: true, usedBytes: true } });
  if (team?.kind === "TEAM" && team.quotaBytes !== null) {
    throw new AppError("PAYLOAD_TOO_LARGE", "team.quotaFull", {
      needed: formatBytes(Number(bytes)),
      used: formatBytes(Number(team.quotaBytes - remaining)),
      quota: formatBytes(Number(team.quotaBytes)),
    });
  }
  throw quotaError(bytes, remaining);
}
