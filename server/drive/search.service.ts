import { getPrisma } from "@/server/db/client";
import { searchSchema, type SearchKind } from "@/server/drive/drive.schemas";
import { breadcrumbsOf, toNodeDto, type Crumb, type NodeDto } from "@/server/drive/drive.service";
import { decodeCursor, encodeCursor } from "@/server/drive/cursor";
import { kindFilterSql } from "@/server/drive/file-kinds";
import { folderPathsOf } from "@/server/drive/node-paths";
import { teamDrivesOf } from "@/server/drive/access";
import { ownLiveNodesSql, sharedNodesCteSql } from "@/server/drive/search-scope";
import { Prisma } from "@/server/db/generated/client.ts";
import type { Actor } from "@/server/auth/actor";

export interface SearchHitDto extends NodeDto {
  parentId: string;
  /** The folders above the hit, root first. */
  path: Crumb[];
}

/** An ILIKE pattern matching `text` anywhere, with the pattern characters in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Finds the caller's live files and folders (and those shared with them) whose name contains the query, case-insensitively,
 * most recently changed first, in keyset pages.
 *
 * Queries of three characters or more are served by the trigram index on name. One or two
 * characters (common in Chinese: "报告") have no trigram, so PostgreSQL walks the caller's nodes
 * by the (ownerId, updatedAt) index instead, newest first, and stops once a page is full: still
 * correct, fast for common words, and a scan of the caller's own nodes at worst.
 */
export async function searchNodes(input: { actor: Actor; query: string; kind?: SearchKind | null; cursor?: string | null; limit?: number }) {
  const { query, kind, cursor, limit } = searchSchema.parse(input);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  const teams = await teamDrivesOf(input.actor.userId);
  type Row = HitRow;
  const matching = Prisma.sql`
    SELECT id, "parentId", kind::text AS kind, name, size, "mimeType", "createdAt", "updatedAt" FROM "Node" n
    WHERE ${ownLiveNodesSql(input.actor.userId, [...teams.keys()])}
      AND name ILIKE ${containsPattern(query)}
      ${kind ? Prisma.sql`AND ${kindFilterSql(kind)}` : Prisma.empty}
      ${after ? Prisma.sql`AND ("updatedAt", id) < (${after.at}, ${after.id})` : Prisma.empty}`;
  // With three characters or more, the matches come from the trigram index first and are sorted
  // afterwards (MATERIALIZED keeps the planner from walking the updatedAt index instead, which it
  // prefers on its poor ILIKE estimate: 50-70 ms instead of 5-25 ms for a 4-character Chinese query
  // on 100k nodes). Shorter queries let it walk that index newest first and stop at a full page.
  const rows =
    [...query].length >= 3
      ? await prisma.$queryRaw<Row[]>`
          WITH hits AS MATERIALIZED (${matching})
          SELECT * FROM hits ORDER BY "updatedAt" DESC, id DESC LIMIT ${limit + 1}`
      : await prisma.$queryRaw<Row[]>`${matching} ORDER BY "updatedAt" DESC, id DESC LIMIT ${limit + 1}`;
  // What teammates shared with the caller is searched too, apart (so the query above keeps its
  // index plan), and merged in the same order.
  const shared = await searchShared({ userId: input.actor.userId, query, kind, after, limit });
  const sharedIds = new Set(shared.map((r) => r.id));
  const merged = [...rows, ...shared].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const page = merged.slice(0, limit);
  const paths = await folderPathsOf(prisma, [input.actor.userId, ...teams.keys()], page.filter((r) => !sharedIds.has(r.id)).map((r) => r.parentId), teams);
  for (const parentId of new Set(page.filter((r) => sharedIds.has(r.id)).map((r) => r.parentId))) {
    paths.set(parentId, await breadcrumbsOf(input.actor, parentId));
  }
  const last = page.at(-1);
  return {
    items: page.map((r): SearchHitDto => ({ ...toNodeDto(r), parentId: r.parentId, path: paths.get(r.parentId) ?? [] })),
    nextCursor: merged.length > limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}

type HitRow = { id: string; parentId: string; kind: "FILE" | "FOLDER"; name: string; size: bigint; mimeType: string | null; createdAt: Date; updatedAt: Date };

/** Matches inside what others granted the user (the granted nodes and everything live below them). */
async function searchShared(input: { userId: string; query: string; kind?: SearchKind | null; after: ReturnType<typeof decodeCursor>; limit: number }): Promise<HitRow[]> {
  const prisma = await getPrisma();
  if ((await prisma.grant.count({ where: { granteeId: input.userId } })) === 0) return [];
  const { after } = input;
  return prisma.$queryRaw<HitRow[]>`
    WITH RECURSIVE shared AS (${sharedNodesCteSql(input.userId)})
    SELECT n.id, n."parentId", n.kind::text AS kind, n.name, n.size, n."mimeType", n."createdAt", n."updatedAt"
      FROM "Node" n JOIN shared s ON s.id = n.id
     WHERE n.name ILIKE ${containsPattern(input.query)}
       ${input.kind ? Prisma.sql`AND ${kindFilterSql(input.kind)}` : Prisma.empty}
       ${after ? Prisma.sql`AND (n."updatedAt", n.id) < (${after.at}, ${after.id})` : Prisma.empty}
     ORDER BY n."updatedAt" DESC, n.id DESC LIMIT ${input.limit + 1}`;
}
