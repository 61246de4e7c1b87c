import { Prisma } from "@/server/db/generated/client.ts";
import { grantReachesSql } from "@/server/drive/grant-scope";

// Which nodes a search may answer with, in one place for the name search and the content
// search (server/search): the caller's own live nodes, and what others granted them.

/**
 * WHERE fragment on "Node" aliased `n`: the live nodes of the user's own drive and of the team
 * folders they are a member of (`teamAccountIds`), root folders aside.
 */
export function ownLiveNodesSql(userId: string, teamAccountIds: readonly string[] = []): Prisma.Sql {
  const owner = teamAccountIds.length ? Prisma.sql`n."ownerId" IN (${Prisma.join([userId, ...teamAccountIds])})` : Prisma.sql`n."ownerId" = ${userId}`;
  return Prisma.sql`${owner} AND n."trashedAt" IS NULL AND n."rootOwnerId" IS NULL`;
}

/**
 * The body of `WITH RECURSIVE shared AS (…)`: the live nodes others granted the user, and every
 * live folder below them, as (id, kind). Files are left out of the walk (a folder holds many more
 * files than folders): a file is shared when it is one of these nodes or its parent is. Each step
 * looks its folders' subfolders up in the (parentId, kind) index (LATERAL, OFFSET 0): joined,
 * PostgreSQL expected thousands of folders per step and scanned every node (3,800 pages at
 * 100,000 nodes for one granted folder). The larger estimate makes PostgreSQL compile the
 * statement: the pool turns JIT off (db/client.ts).
 */
export function sharedFoldersCteSql(userId: string): Prisma.Sql {
  return Prisma.sql`
      SELECT n.id, n.kind FROM "Grant" g JOIN "Node" n ON n.id = g."nodeId"
       WHERE ${grantReachesSql(userId)} AND n."ownerId" <> ${userId} AND n."trashedAt" IS NULL
      UNION
      SELECT c.id, c.kind FROM shared s
       CROSS JOIN LATERAL (SELECT c.id, c.kind FROM "Node" c WHERE c."parentId" = s.id AND c.kind = 'FOLDER' AND c."trashedAt" IS NULL OFFSET 0) c`;
}

/**
 * sharedFoldersCteSql's walk over every node, carrying the columns a name search shows, so its matches are filtered on the
 * walked rows themselves: joined back to "Node", PostgreSQL preferred scanning every name for a
 * 2-character query (no trigram) over the few thousand walked rows (2.6 s at 1M nodes). Each step
 * looks the walked folders' children up in the parentId index (LATERAL, OFFSET 0): joined, it
 * hashed every node at each step (1.3 s for a grantee of 1,000 nodes among 1,000,000).
 */
export function sharedNodeRowsCteSql(userId: string): Prisma.Sql {
  const cols = (a: string) => Prisma.raw(`${a}.id, ${a}."parentId", ${a}.kind, ${a}.name, ${a}.size, ${a}."mimeType", ${a}."createdAt", ${a}."updatedAt"`);
  return Prisma.sql`
      SELECT ${cols("n")} FROM "Grant" g JOIN "Node" n ON n.id = g."nodeId"
       WHERE ${grantReachesSql(userId)} AND n."ownerId" <> ${userId} AND n."trashedAt" IS NULL
      UNION
      SELECT ${cols("c")} FROM shared s
       CROSS JOIN LATERAL (SELECT ${cols("c")} FROM "Node" c WHERE c."parentId" = s.id AND c."trashedAt" IS NULL OFFSET 0) c
       WHERE s.kind = 'FOLDER'`;
}
