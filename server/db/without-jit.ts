import type { Prisma, PrismaClient } from "@/server/db/generated/client.ts";

/**
 * Runs read queries in a transaction with PostgreSQL's JIT compilation off. A recursive walk of
 * shared folders is estimated at hundreds of thousands of rows, which makes PostgreSQL compile the
 * statement first: ~190 ms of compiling for a query that runs in ~100 ms (search by a grantee).
 * PGlite has no JIT; the setting is accepted there and changes nothing.
 */
export function withoutJit<T>(prisma: PrismaClient, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL jit = off");
    return fn(tx);
  });
}
