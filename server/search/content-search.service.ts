import { getPrisma } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client.ts";
import { requireNodeAccess, teamDrivesOf } from "@/server/drive/access";
import { breadcrumbsOf, toNodeDto, type Crumb, type NodeDto } from "@/server/drive/drive.service";
import { kindFilterSql } from "@/server/drive/file-kinds";
import { folderPathsOf } from "@/server/drive/node-paths";
import { ownLiveNodesSql, sharedFoldersCteSql } from "@/server/drive/search-scope";
import { AppError } from "@/server/errors/app-error";
import { contentSearchSchema, type ContentSearchInput } from "@/server/search/search.schemas";
import { makeSnippet, type Needles, type Snippet } from "@/server/search/snippet";
import { bigramHash, cjkTerm, parseQuery, type QueryTerm } from "@/server/search/tokenize";
import type { SearchKind } from "@/server/drive/drive.schemas";
import type { Actor } from "@/server/auth/actor";

export interface ContentHitDto extends NodeDto {
  parentId: string;
  path: Crumb[];
  rank: number;
  snippet: Snippet;
}

/**
 * The tsquery of the English terms (each must match), built from parameters only; null when the
 * query has none. `loose` asks for a phrase's words in any order: the GIN index answers that
 * alone, where an ordered phrase makes PostgreSQL read each match's tsvector to check positions.
 */
function latinTsquery(terms: QueryTerm[], loose = false): Prisma.Sql | null {
  const parts = terms.flatMap((t) =>
    t.kind === "cjk"
      ? []
      : t.kind === "latin-phrase" && !loose
        ? [Prisma.sql`phraseto_tsquery('english', ${t.text})`]
        : [Prisma.sql`plainto_tsquery('english', ${t.text})`],
  );
  return parts.length ? Prisma.sql`(${Prisma.join(parts, " && ")})` : null;
}

/**
 * What the indexes are asked: the English terms of the tsvector, and every bigram of the Chinese
 * terms (of a 1-character term, its own code when it is rare), as exact codes of a long text or
 * hashes of a short one (tokenize.ts bigramColumns). A query of common 1-character Chinese terms
 * alone asks neither: its exact check reads texts until it has enough matches.
 */
function matchesSql(terms: QueryTerm[], loose: boolean): Prisma.Sql {
  const latin = latinTsquery(terms, loose);
  const codes = [...new Set(terms.flatMap((t) => (t.kind === "cjk" ? cjkTerm(t).codes : [])))];
  const hashes = [...new Set(codes.map(bigramHash))];
  return Prisma.sql`s.status = 'OK'${latin ? Prisma.sql` AND s.tsv @@ ${latin}` : Prisma.empty}${
    codes.length ? Prisma.sql` AND (s."bigramHashes" @> ${hashes}::int2[] OR s.bigrams @> ${codes}::int4[])` : Prisma.empty
  }`;
}

/**
 * What ranks a match: its English terms, and jieba's longer words for the Chinese terms (a text
 * where the word stands as a word ranks above one that only holds its characters); 0 when the
 * query has neither.
 */
function rankSql(terms: QueryTerm[]): Prisma.Sql {
  const latin = latinTsquery(terms);
  // A cast, not to_tsquery(): the words are taken as written, like array_to_tsvector stored them (no parser, no locale).
  const words = terms.flatMap((t) => (t.kind === "cjk" ? [cjkTerm(t).rankQuery].filter((q) => q !== null) : []));
  const cjk = words.length ? Prisma.sql`${words.join(" | ")}::tsquery` : null;
  const query = latin && cjk ? Prisma.sql`(${latin} || ${cjk})` : (latin ?? cjk);
  return query ? Prisma.sql`ts_rank(s.tsv, ${query})::float8` : Prisma.sql`0::float8`;
}

/**
 * Finds the caller's files (own and shared with them, never trashed) whose current version's
 * text matches every term of the query: English words by stem, "quoted phrases" in order,
 * Chinese words as written. Best matches first (ts_rank), each with a snippet to highlight.
 */
export async function searchContent(input: ContentSearchInput & { actor: Actor }) {
  const { query, kind, folderId, modifiedAfter, modifiedBefore, cursor, limit } = contentSearchSchema.parse(input);
  const { actor } = input;
  const prisma = await getPrisma();
  const terms = parseQuery(query);
  if (!terms.length) return { items: [] as ContentHitDto[], nextCursor: null };
  // A folder the caller cannot read answers like one that does not exist.
  if (folderId) {
    const folder = await requireNodeAccess({ actor, nodeId: folderId, need: "read" });
    if (folder.kind !== "FOLDER") throw new AppError("NOT_FOUND", "node.notFound");
  }
  const offset = cursor ? Number(cursor) : 0;
  const hasPhrase = terms.some((t) => t.kind === "latin-phrase");
  // Independent look-ups side by side (each a round trip to PostgreSQL; PGlite runs them in turn).
  const [shared, teams, needles] = await Promise.all([
    prisma.$queryRaw<{ id: string; kind: "FILE" | "FOLDER" }[]>`WITH RECURSIVE shared AS (${sharedFoldersCteSql(actor.userId)}) SELECT id, kind::text AS kind FROM shared`,
    teamDrivesOf(actor.userId),
    needlesOf(terms),
  ]);
  // What others granted travels as two lists (folders, and files granted one by one): PostgreSQL
  // plans with their real lengths, where a walk inside the query was estimated at thousands of
  // rows (each step ×10) and made it scan whole tables.
  const sharedFolders = shared.filter((r) => r.kind === "FOLDER").map((r) => r.id);
  const sharedFiles = shared.filter((r) => r.kind === "FILE").map((r) => r.id);
  const hasGrants = shared.length > 0;
  const drives = [...teams.keys()];
  const ctes: Prisma.Sql[] = [];
  if (folderId) ctes.push(Prisma.sql`under AS (SELECT id FROM "Node" WHERE id = ${folderId} UNION SELECT c.id FROM "Node" c JOIN under u ON c."parentId" = u.id WHERE c."trashedAt" IS NULL)`);
  // Bigrams say a Chinese term's character pairs are there; its exact run must be too. A phrase's
  // words are found by the index; their order is checked on the tsvector.
  const exact = terms.filter((t) => t.kind === "cjk").map((t) => Prisma.sql`strpos(m.text, ${t.text}) > 0`);
  if (hasPhrase) exact.push(Prisma.sql`m.tsv @@ ${latinTsquery(terms)!}`);
  // Written out in the WHERE (not joined from a CTE) so the planner sees constants and uses the GIN indexes.
  const matches = matchesSql(terms, hasPhrase);
  // The filters on the node besides the trash (which the granted branch checks on its matches).
  const nodeFiltersLive = Prisma.sql`${kind ? Prisma.sql`AND ${kindFilterSql(kind as SearchKind)}` : Prisma.empty}
       ${folderId ? Prisma.sql`AND n."parentId" IN (SELECT id FROM under)` : Prisma.empty}
       ${modifiedAfter ? Prisma.sql`AND n."updatedAt" >= ${modifiedAfter}` : Prisma.empty}
       ${modifiedBefore ? Prisma.sql`AND n."updatedAt" < ${modifiedBefore}` : Prisma.empty}`;
  const nodeFilters = Prisma.sql`n."trashedAt" IS NULL ${nodeFiltersLive}`;
  // A common word matches tens of thousands of documents, and ranking one reads its tsvector:
  // ranking them all took 0.5-2.4 s at 100,000 documents. So matches are ranked in bounded sets of
  // candidates: the accessible matches in the order the GIN index hands them out (table order:
  // cheap, the bitmap comes from the index alone), numbered, cut into sets of RANKED_CANDIDATES;
  // the first page is the best of the first set, and paging goes on through it, then through the
  // best of the next set, and so on, so every match is reached once. The trade-off: when more
  // accessible documents match than the bound, a better one may wait in a later set; a query with
  // fewer accessible matches than the bound is ranked exactly.
  const candidates = RANKED_CANDIDATES * Math.ceil((offset + limit + 1) / RANKED_CANDIDATES);
  // Each branch checks CJK runs and phrase order on the matches it keeps, above the scan (OFFSET 0
  // keeps them there): in the scan, a grantee's query read the text of every match streamed past.
  const exactly = (sub: Prisma.Sql) =>
    exact.length
      ? Prisma.sql`SELECT id, row_number() OVER () AS pos FROM (${sub} OFFSET 0) m WHERE ${Prisma.join(exact, " AND ")} LIMIT ${candidates}`
      : Prisma.sql`SELECT id, row_number() OVER () AS pos FROM (${sub}) m LIMIT ${candidates}`;
  // Own files: matches streamed from the index, each looked up in "Node" (most matches of an
  // owner are theirs, so the bound is reached early). The version match is checked on the ranked
  // rows, not here: as a second join condition it made PostgreSQL expect one joined row and read
  // every match (a parallel scan of SearchText, 1.7 s).
  const ownHits = exactly(Prisma.sql`SELECT n.id, s.text, s.tsv FROM "SearchText" s JOIN "Node" n ON n.id = s."nodeId"
        WHERE ${ownLiveNodesSql(actor.userId, drives)} AND ${matches} AND ${nodeFilters}`);
  // What others granted: the shared files (children of the walked shared folders, read from the
  // (parentId, kind, …) index alone, and files granted one by one) are hashed once, and each match
  // the index hands out is kept when it is one of them, then when it is live (checked on the kept
  // matches only). Written in the select list (a hashed subplan), not as a join: PostgreSQL
  // expects few matches of a word and chose to look each shared file's text up instead (~100 ms
  // for a grantee of 5,000 files); starting from the matches and looking each node up cost 1-2 s
  // for a grantee who holds 5% of them.
  if (hasGrants) {
    ctes.push(Prisma.sql`shared_files AS MATERIALIZED (
        SELECT n.id FROM "Node" n WHERE n."parentId" = ANY(${sharedFolders}::text[]) AND n.kind = 'FILE' ${nodeFiltersLive}
        UNION ALL SELECT n.id FROM "Node" n WHERE n.id = ANY(${sharedFiles}::text[]) AND n.kind = 'FILE' ${nodeFiltersLive})`);
  }
  const grantedHits = Prisma.sql`SELECT id, row_number() OVER () AS pos FROM (SELECT s."nodeId" AS id, s.text, s.tsv, s."nodeId" IN (SELECT id FROM shared_files) AS shared
        FROM "SearchText" s WHERE ${matches} OFFSET 0) m
      WHERE m.shared ${exact.length ? Prisma.sql`AND ${Prisma.join(exact, " AND ")}` : Prisma.empty}
        AND EXISTS (SELECT 1 FROM "Node" n WHERE n.id = m.id AND n."trashedAt" IS NULL) LIMIT ${candidates}`;
  type Row = { id: string; parentId: string; kind: "FILE"; name: string; size: bigint; mimeType: string | null; createdAt: Date; updatedAt: Date; ownerId: string; rank: number };
  const ranked = (db: Prisma.TransactionClient) => db.$queryRaw<Row[]>`
    WITH RECURSIVE ${ctes.length ? Prisma.sql`${Prisma.join(ctes, ", ")},` : Prisma.empty}
    hits AS (SELECT id, min((pos - 1) / ${RANKED_CANDIDATES}) AS tier FROM (${hasGrants ? Prisma.sql`(${ownHits}) UNION ALL (${grantedHits})` : ownHits}) c GROUP BY id)
    SELECT n.id, n."parentId", n.kind::text AS kind, n.name, n.size, n."mimeType", n."createdAt", n."updatedAt", n."ownerId",
           ${rankSql(terms)} AS rank
      FROM hits h JOIN "Node" n ON n.id = h.id JOIN "SearchText" s ON s."nodeId" = n.id AND s."versionId" = n."currentVersionId"
     ORDER BY h.tier, rank DESC, n."updatedAt" DESC, n.id
     LIMIT ${limit + 1} OFFSET ${offset}`;
  const rows = await ranked(prisma);
  const page = rows.slice(0, limit);
  // Only a window of each text travels (texts may be 1 MiB each): around the first needle found.
  const all = [...needles.exact, ...needles.prefixes].map((n) => n.toLowerCase()).filter(Boolean);
  const isOwn = (r: Row) => r.ownerId === actor.userId || teams.has(r.ownerId);
  const own = page.filter(isOwn);
  const sharedParents = [...new Set(page.filter((r) => !isOwn(r)).map((r) => r.parentId))];
  const [windows, paths, sharedPaths] = await Promise.all([
    page.length
      ? prisma.$queryRaw<{ nodeId: string; start: number; piece: string; total: number }[]>`
        SELECT w."nodeId", w.start, substr(w.text, w.start, ${SNIPPET_WINDOW}) AS piece, length(w.text) AS total FROM (
          SELECT s."nodeId", s.text,
                 greatest(1, coalesce((SELECT min(p) FROM unnest(${all}::text[]) AS x(n), LATERAL strpos(lower(s.text), x.n) AS p WHERE p > 0), 1) - ${SNIPPET_WINDOW / 4})::int AS start
            FROM "SearchText" s WHERE s."nodeId" = ANY(${page.map((r) => r.id)}::text[])) w`
      : [],
    folderPathsOf(prisma, [actor.userId, ...drives], own.map((r) => r.parentId), teams),
    Promise.all(sharedParents.map((id) => breadcrumbsOf(actor, id))),
  ]);
  sharedParents.forEach((id, i) => paths.set(id, sharedPaths[i]!));
  const texts = new Map(windows.map((w) => [w.nodeId, w]));
  return {
    items: page.map(
      (r): ContentHitDto => ({
        ...toNodeDto(r),
        parentId: r.parentId,
        path: paths.get(r.parentId) ?? [],
        rank: Number(r.rank),
        snippet: snippetOf(texts.get(r.id), needles),
      }),
    ),
    nextCursor: rows.length > limit ? String(offset + limit) : null,
  };
}

/** Accessible matches ranked per query and source (own, shared); more when the caller pages beyond them. */
export const RANKED_CANDIDATES = 200;

/** Characters of text read around the first match, for the snippet. */
const SNIPPET_WINDOW = 2000;

function snippetOf(w: { start: number; piece: string; total: number } | undefined, needles: Needles): Snippet {
  if (!w) return { text: "", marks: [], cutBefore: false, cutAfter: false };
  const s = makeSnippet(w.piece, needles);
  return { ...s, cutBefore: s.cutBefore || w.start > 1, cutAfter: s.cutAfter || w.start - 1 + [...w.piece].length < Number(w.total) };
}

/** What the snippet highlights: CJK terms and their words as written, English words by their stems. */
async function needlesOf(terms: QueryTerm[]): Promise<Needles> {
  const exact: string[] = [];
  const words: string[] = [];
  for (const t of terms) {
    if (t.kind === "cjk") exact.push(t.text, ...t.words.filter((w) => [...w].length > 1));
    else words.push(...t.text.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
  }
  let stems: string[] = [];
  if (words.length) {
    const prisma = await getPrisma();
    const rows = await prisma.$queryRaw<{ lexeme: string }[]>`SELECT unnest(tsvector_to_array(to_tsvector('english', ${words.join(" ")}))) AS lexeme`;
    stems = rows.map((r) => r.lexeme);
  }
  return { exact, prefixes: [...new Set([...stems, ...words.map((w) => w.toLowerCase())])] };
}
