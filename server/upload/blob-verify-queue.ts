import type { PrismaClient, Prisma } from "@/server/db/generated/client.ts";
import { enqueueJob } from "@/server/jobs/queue";

// The queue entry of a PENDING blob's verification, apart from its handler (blob-verification.service)
// so that the upload commit can queue it without importing what the handler imports.

export const BLOB_VERIFY_JOB = "blob.verify";

/** Queues the hashing of a PENDING blob, inside the transaction that recorded it. */
export async function enqueueBlobVerification(db: PrismaClient | Prisma.TransactionClient, blobId: string): Promise<void> {
  // Retried with backoff (storage outage); a job that runs out of attempts leaves the blob PENDING
  // (downloadable by its owner, shared by nothing) and shows on Admin → System's failures.
  await enqueueJob(BLOB_VERIFY_JOB, { blobId }, { dedupeKey: `blob.verify:${blobId}`, maxAttempts: 10 }, db);
}
