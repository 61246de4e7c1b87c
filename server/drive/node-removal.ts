import type { Prisma } from "@/server/db/generated/client.ts";

/**
 * Deletes nodes and their versions for good, in the caller's transaction: every version's bytes
 * leave its owner's usedBytes and release one reference on its blob (the blob GC deletes bytes
 * nobody references). `ids` must hold every descendant of each node it names.
 */
export async function deleteNodesForGood(tx: Prisma.TransactionClient, ids: string[]) {
  if (ids.length === 0) return;
  await tx.$executeRaw`
    UPDATE "User" u SET "usedBytes" = u."usedBytes" - s.total
    FROM (SELECT n."ownerId", sum(v.size)::bigint AS total FROM "FileVersion" v JOIN "Node" n ON n.id = v."nodeId"
          WHERE n.id = ANY(${ids}::text[]) GROUP BY n."ownerId") s
    WHERE u.id = s."ownerId"`;
  await tx.$executeRaw`
    UPDATE "Blob" b SET "refCount" = b."refCount" - c.n
    FROM (SELECT "blobId", count(*)::int AS n FROM "FileVersion" WHERE "nodeId" = ANY(${ids}::text[]) GROUP BY "blobId") c
    WHERE b.id = c."blobId"`;
  // Versions first: a node's currentVersionId points at one, and a cascade from the node would
  // have to set that pointer on a row it is deleting.
  await tx.$executeRaw`UPDATE "Node" SET "currentVersionId" = NULL WHERE id = ANY(${ids}::text[])`;
  await tx.$executeRaw`DELETE FROM "FileVersion" WHERE "nodeId" = ANY(${ids}::text[])`;
  await tx.$executeRaw`DELETE FROM "Node" WHERE id = ANY(${ids}::text[])`;
}
