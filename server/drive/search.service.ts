import { getPrisma } from "@/server/db/client";
import { grantsReaching } from "@/server/drive/grant-scope";
import { searchSchema, type SearchInput } from "@/server/drive/drive.schemas";
import { folderAccessOf, requireNodeAccess, teamDrivesOf, type ItemAccess } from "@/server/drive/access";
import { AppError } from "@/server/errors/app-error";
import { breadcrumbsOf, toNodeDto, type Crumb, type NodeDto } from "@/server/drive/drive.service";
import { decodeCursor, encodeCursor } from "@/server/drive/cursor";
import { kindFilterSql } from "@/server/drive/file-kinds";
import { folderPathsOf } from "@/server/drive/node-paths";
import { ownLiveNodesSql, sharedNodeRowsCteSql } from "@/server/drive/search-scope";
import { Prisma } from "@/server/db/generated/client.ts";
import type { Actor } from "@/server/auth/actor";

export interface SearchHitDto extends NodeDto {
  parentId: string;
  /** The folders above the hit, root first. */
  path: Crumb[];
  /** What the caller may do to it (its folder's capability), so the menu offers only that. */
  access: ItemAccess;
}

/** An ILIKE pattern matching `text` anywhere, with the pattern characters in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Finds the caller's live files and folders (and those shared with them) whose name contains the query, case-insensitively,
 * most recently changed first, in keyset pages.
 *
 * The caller's newest nodes are looked at first (a common word fills a page there); otherwise
 * queries of three characters or more are served by the trigram index on name, two characters
 * ("报告": no trigram) by the index of names' 2-character windows (yp_name_bigrams, migration
 * name_bigrams), one character by a walk of the caller's nodes newest first.
 */
export async function searchNodes(input: SearchInput & { actor: Actor }) {
  const { query, kind, cursor, limit, folderId, modifiedAfter, modifiedBefore } = searchSchema.parse(input);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  const teams = await teamDrivesOf(input.actor.userId);
  type Row = HitRow;
  const chars = [...query].length;
  const filters = Prisma.sql`${kind ? Prisma.sql`AND ${kindFilterSql(kind)}` : Prisma.empty}
      ${modifiedAfter ? Prisma.sql`AND n."updatedAt" >= ${modifiedAfter}` : Prisma.empty}
      ${modifiedBefore ? Prisma.sql`AND n."updatedAt" < ${modifiedBefore}` : Prisma.empty}
      ${after ? Prisma.sql`AND (n."updatedAt", n.id) < (${after.at}, ${after.id})` : Prisma.empty}`;
  if (folderId) return searchFolder({ actor: input.actor, folderId, query, filters, limit });
  const columns = Prisma.sql`id, "parentId", kind::text AS kind, name, size, "mimeType", "createdAt", "updatedAt"`;
  const scope = Prisma.sql`${ownLiveNodesSql(input.actor.userId, [...teams.keys()])} ${filters}`;
  // First the caller's most recently changed nodes, newest first: a common word ("报告", ".pdf")
  // fills a page there, where the name indexes would hand over 100,000 matches to sort.
  let rows = await prisma.$queryRaw<Row[]>`
    SELECT * FROM (SELECT ${columns} FROM "Node" n WHERE ${scope} ORDER BY "updatedAt" DESC, id DESC LIMIT ${RECENT_WINDOW}) recent
     WHERE name ILIKE ${containsPattern(query)} ORDER BY "updatedAt" DESC, id DESC LIMIT ${limit + 1}`;
  // Fewer nodes than the window: the look above saw all of them, and it is complete. (Otherwise the
  // name indexes would be asked about everyone's names: 8 s for a grantee who owns nothing at 1M nodes.)
  const exhaustive =
    rows.length <= limit &&
    Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM (SELECT 1 FROM "Node" n WHERE ${scope} LIMIT ${RECENT_WINDOW}) w`)[0]?.n ?? 0) < RECENT_WINDOW;
  if (rows.length <= limit && !exhaustive) {
    // Not a page there: the matches come from an index of names, then are sorted. MATERIALIZED
    // keeps the planner from walking the updatedAt index instead, which it prefers on its poor
    // ILIKE estimate (1.4-1.7 s for a rare 2-character word at 1M nodes). One character has no
    // index and walks the caller's nodes.
    const matching = Prisma.sql`
      SELECT ${columns} FROM "Node" n WHERE ${scope} AND name ILIKE ${containsPattern(query)}
        ${chars === 2 ? Prisma.sql`AND yp_name_bigrams(name) @> yp_name_bigrams(${query})` : Prisma.empty}`;
    rows =
      chars >= 2
        ? await prisma.$queryRaw<Row[]>`WITH hits AS MATERIALIZED (${matching}) SELECT * FROM hits ORDER BY "updatedAt" DESC, id DESC LIMIT ${limit + 1}`
        : await prisma.$queryRaw<Row[]>`${matching} ORDER BY "updatedAt" DESC, id DESC LIMIT ${limit + 1}`;
  }
  // What teammates shared with the caller is searched too, apart (so the query above keeps its
  // index plan), and merged in the same order.
  const shared = await searchShared({ userId: input.actor.userId, query, filters, limit });
  const sharedIds = new Set(shared.map((r) => r.id));
  const merged = [...rows, ...shared].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const page = merged.slice(0, limit);
  const paths = await folderPathsOf(prisma, [input.actor.userId, ...teams.keys()], page.filter((r) => !sharedIds.has(r.id)).map((r) => r.parentId), teams);
  for (const parentId of new Set(page.filter((r) => sharedIds.has(r.id)).map((r) => r.parentId))) {
    paths.set(parentId, await breadcrumbsOf(input.actor, parentId));
  }
  const access = await folderAccessOf(input.actor, page.map((r) => r.parentId));
  const last = page.at(-1);
  return {
    items: page.map((r): SearchHitDto => ({ ...toNodeDto(r), parentId: r.parentId, path: paths.get(r.parentId) ?? [], access: access.get(r.parentId)! })),
    nextCursor: merged.length > limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}

/** The newest nodes of the caller looked through before an index of names is asked. */
const RECENT_WINDOW = 2000;

type HitRow = { id: string; parentId: string; kind: "FILE" | "FOLDER"; name: string; size: bigint; mimeType: string | null; createdAt: Date; updatedAt: Date };

/** Matches inside what others granted the user (the granted nodes and everything live below them). */
async function searchShared(input: { userId: string; query: string; filters: Prisma.Sql; limit: number }): Promise<HitRow[]> {
  const prisma = await getPrisma();
  if ((await prisma.grant.count({ where: grantsReaching(input.userId) })) === 0) return [];
  return prisma.$queryRaw<HitRow[]>`
    WITH RECURSIVE shared AS (${sharedNodeRowsCteSql(input.userId)})
    SELECT n.id, n."parentId", n.kind::text AS kind, n.name, n.size, n."mimeType", n."createdAt", n."updatedAt"
      FROM shared n
     WHERE n.name ILIKE ${containsPattern(input.query)} ${input.filters}
     ORDER BY n."updatedAt" DESC, n.id DESC LIMIT ${input.limit + 1}`;
}

/**
 * Matches at any depth below one folder the caller may read (theirs or shared with them): the
 * folder's live subtree is walked and its names filtered. A folder the caller cannot read answers
 * like one that does not exist.
 */
async function searchFolder(input: { actor: Actor; folderId: string; query: string; filters: Prisma.Sql; limit: number }) {
  const folder = await requireNodeAccess({ actor: input.actor, nodeId: input.folderId, need: "read" });
  if (folder.kind !== "FOLDER") throw new AppError("NOT_FOUND", "node.notFound");
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<(HitRow & { ownerId: string })[]>`
    WITH RECURSIVE under AS (
      SELECT id FROM "Node" WHERE "parentId" = ${input.folderId} AND "trashedAt" IS NULL
      UNION SELECT c.id FROM "Node" c JOIN under u ON c."parentId" = u.id WHERE c."trashedAt" IS NULL)
    SELECT n.id, n."parentId", n.kind::text AS kind, n.name, n.size, n."mimeType", n."createdAt", n."updatedAt", n."ownerId"
      FROM "Node" n JOIN under u ON u.id = n.id
     WHERE n.name ILIKE ${containsPattern(input.query)} ${input.filters}
     ORDER BY n."updatedAt" DESC, n.id DESC LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const paths = new Map<string, Crumb[]>();
  for (const parentId of new Set(page.map((r) => r.parentId))) paths.set(parentId, await breadcrumbsOf(input.actor, parentId));
  const access = await folderAccessOf(input.actor, page.map((r) => r.parentId));
  const last = page.at(-1);
  return {
    items: page.map((r): SearchHitDto => ({ ...toNodeDto(r), parentId: r.parentId, path: paths.get(r.parentId) ?? [], access: access.get(r.parentId)! })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}
