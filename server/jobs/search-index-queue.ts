import type { PrismaClient, Prisma } from "@/server/db/generated/client.ts";
import { enqueueJob } from "@/server/jobs/queue";

// The content index's queue entry lives here, below the domains: the drive and the uploads queue
// it when a file's current version changes, and server/search (which itself reads the drive)
// handles it, so neither domain imports the other.

export const SEARCH_INDEX_JOB = "search.index";
export const SEARCH_BACKFILL_JOB = "search.backfill";

/** Queues (re)indexing of a file's current version, inside the transaction that changed it. */
export async function enqueueSearchIndex(db: PrismaClient | Prisma.TransactionClient, nodeId: string): Promise<void> {
  // While a job for the file is still queued it covers this change too: it reads the version current when it runs.
  await enqueueJob(SEARCH_INDEX_JOB, { nodeId }, { dedupeKey: `search:${nodeId}`, maxAttempts: 3 }, db);
}

/** Queues a pass over every file not indexed at its current version (copies of many files, reindexing). */
export async function enqueueSearchBackfill(db?: PrismaClient | Prisma.TransactionClient): Promise<void> {
  await enqueueJob(SEARCH_BACKFILL_JOB, { after: null }, { dedupeKey: SEARCH_BACKFILL_JOB, maxAttempts: 10 }, db);
}
