import type { Crumb } from "@/server/drive/drive.service";
import type { PrismaClient, Prisma } from "@/server/db/generated/client.ts";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * The path of each folder, from its drive's root down to the folder itself, in one recursive
 * query, for result lists (search, recent, starred, trash). A folder whose chain no longer reaches
 * the owner's root (purged, or detached by a purge) gets no entry: its path is not resolvable.
 * Only the owner's own folders are named, so a path never shows a folder of another drive.
 * `ownerId` may list several drives (the caller's and their team folders'); `rootNames` names the
 * root of a team folder's drive, which then shows as that folder rather than as "My files".
 */
export async function folderPathsOf(
  db: Db,
  ownerId: string | string[],
  folderIds: (string | null)[],
  rootNames: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, Crumb[]>> {
  const owners = new Set(Array.isArray(ownerId) ? ownerId : [ownerId]);
  const ids = [...new Set(folderIds.filter((id): id is string => id !== null))];
  const paths = new Map<string, Crumb[]>();
  if (ids.length === 0) return paths;
  const rows = await db.$queryRaw<{ start: string; id: string; name: string; ownerId: string; rootOwnerId: string | null }[]>`
    WITH RECURSIVE up AS (
      SELECT id AS start, id, name, "parentId", "ownerId", "rootOwnerId", 0 AS depth
      FROM "Node" WHERE id = ANY(${ids}::text[])
      UNION ALL
      SELECT up.start, p.id, p.name, p."parentId", p."ownerId", p."rootOwnerId", up.depth + 1
      FROM up JOIN "Node" p ON p.id = up."parentId"
    )
    SELECT start, id, name, "ownerId", "rootOwnerId" FROM up ORDER BY start, depth DESC`;
  const walked = new Map<string, typeof rows>();
  for (const r of rows) {
    const chain = walked.get(r.start);
    if (chain) chain.push(r);
    else walked.set(r.start, [r]);
  }
  for (const [start, chain] of walked) {
    const owner = chain[0]?.ownerId;
    if (chain[0]?.rootOwnerId === null || !owner || !owners.has(owner) || chain.some((r) => r.ownerId !== owner)) continue;
    const teamName = rootNames.get(owner);
    paths.set(start, chain.map((r) => (r.rootOwnerId !== null && teamName !== undefined ? { id: r.id, name: teamName, isRoot: false } : { id: r.id, name: r.name, isRoot: r.rootOwnerId !== null })));
  }
  return paths;
}
