import type { Prisma } from "@/server/db/generated/client.ts";

/**
 * Serialises everything that creates, references or deletes the blob of one sha256, for the rest
 * of the caller's transaction: a commit adopting new bytes, an instant upload taking a reference,
 * and the garbage collector deleting an unreferenced blob. Without it, GC could delete the bytes a
 * commit had just decided to reuse. A PostgreSQL advisory lock (PGlite has them too).
 */
export async function lockBlob(tx: Prisma.TransactionClient, backend: string, sha256: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`blob:${backend}:${sha256}`}, 0))`;
}
