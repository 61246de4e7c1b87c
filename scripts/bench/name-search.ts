// The name search (drive.search, searchNodes) on many nodes of one user, the worst case for the
// owner filter: seeded with SQL (generate_series), then each query timed through the service
// (paths included) beside the plan PostgreSQL picks for it. Used by scripts/search-bench.ts and
// by BENCH_ONLY=search (scripts/bench/search.ts).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/server/db/client";
import { containsPattern, searchNodes } from "@/server/drive/search.service";
import { median, percentile } from "./measure";

/** Queries timed, 2-character Chinese first; "稀有" is in 0.1% of the names, "月报" in none. */
export const NAME_QUERIES = ["报告", "稀有", "月报", "季度报", "季度报告", "稀有季度", "report", "_123", ".pdf", "文件夹"];

export interface NameSearchRow {
  query: string;
  matches: number;
  page: number;
  times: number[];
  plan: string;
}

/** Seeds `nodes` nodes (1,000 folders, the rest files) for a new user; answers the user's id. */
export async function seedNameNodes(prisma: PrismaClient, nodes: number, options: { analyze?: boolean } = {}): Promise<string> {
  const folders = Math.min(1000, Math.max(1, Math.floor(nodes / 100)));
  const userId = randomUUID();
  const rootId = randomUUID();
  await prisma.$executeRaw`INSERT INTO "User" (id, email, name, "updatedAt") VALUES (${userId}, ${`names-${userId.slice(0, 8)}@example.com`}, 'Bench', now())`;
  await prisma.$executeRaw`INSERT INTO "Node" (id, "ownerId", kind, name, "rootOwnerId", "updatedAt") VALUES (${rootId}, ${userId}, 'FOLDER', '', ${userId}, now())`;
  // Names are two of twenty words plus a number and an extension.
  const words = ["季度", "报告", "年度", "总结", "会议", "纪要", "合同", "发票", "照片", "旅行", "项目", "计划", "预算", "设计", "方案", "周报", "数据", "分析", "客户", "产品"];
  const exts = [".xlsx", ".docx", ".pdf", ".jpg", ".mp4", ".txt", ".zip", ".pptx"];
  await prisma.$executeRaw`
    INSERT INTO "Node" (id, "ownerId", "parentId", kind, name, "liveName", "updatedAt")
    SELECT gen_random_uuid()::text, ${userId}, ${rootId}, 'FOLDER', '文件夹 ' || i, '文件夹 ' || i, now() - (i || ' minutes')::interval
    FROM generate_series(1, ${folders}) i`;
  // In slices of 100,000, so one statement never holds a million rows in memory at once.
  for (let from = 1; from <= nodes - folders - 1; from += 100_000) {
    const to = Math.min(nodes - folders - 1, from + 99_999);
    await prisma.$executeRaw`
      WITH f AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM "Node" WHERE "parentId" = ${rootId})
      INSERT INTO "Node" (id, "ownerId", "parentId", kind, name, "liveName", size, "mimeType", "updatedAt")
      SELECT gen_random_uuid()::text, ${userId}, f.id, 'FILE', n.name, n.name, 1000, 'application/octet-stream', now() - (i || ' seconds')::interval
      FROM generate_series(${from}::int, ${to}::int) i
      CROSS JOIN LATERAL (SELECT
        CASE WHEN i % 1000 = 7 THEN '稀有' ELSE '' END
        || (${words}::text[])[1 + (i * 7) % 20] || (${words}::text[])[1 + (i * 13 / 20) % 20] || '_' || i || (${exts}::text[])[1 + i % 8] AS name) n
      JOIN f ON f.k = 1 + i % ${folders}`;
  }
  if (options.analyze !== false) await prisma.$executeRawUnsafe(`ANALYZE "Node"`);
  return userId;
}

/** Queries timed for a grantee (issue 21: name search across many owners). */
export const TEAM_QUERIES = ["报告", "稀有", "月报", "季度报告", "report"];

/**
 * A team's drive: `nodes` nodes spread over `owners` users (seeded like seedNameNodes), and a
 * grantee who owns nothing and was granted one folder by each of `sharers` of them.
 */
export async function seedTeamNodes(prisma: PrismaClient, nodes: number, owners: number, sharers: number): Promise<{ granteeId: string; visible: number }> {
  const ownerIds: string[] = [];
  for (let i = 0; i < owners; i++) ownerIds.push(await seedNameNodes(prisma, Math.floor(nodes / owners), { analyze: false }));
  await prisma.$executeRawUnsafe(`ANALYZE "Node"`);
  const granteeId = randomUUID();
  await prisma.$executeRaw`INSERT INTO "User" (id, email, name, "updatedAt") VALUES (${granteeId}, ${`grantee-${granteeId.slice(0, 8)}@example.com`}, 'Grantee', now())`;
  // The grantee sees one folder (with its files) of each sharer.
  await prisma.$executeRaw`
    INSERT INTO "Grant" (id, "nodeId", "granteeId", "createdById", role)
    SELECT gen_random_uuid()::text, f.id, ${granteeId}, o.id, 'VIEWER'
      FROM unnest(${ownerIds.slice(0, sharers)}::text[]) AS o(id)
      CROSS JOIN LATERAL (SELECT n.id FROM "Node" n JOIN "Node" r ON r.id = n."parentId" AND r."rootOwnerId" = o.id WHERE n.kind = 'FOLDER' ORDER BY n.name LIMIT 1) f`;
  const [row] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "Grant" g JOIN "Node" c ON c."parentId" = g."nodeId" OR c.id = g."nodeId" WHERE g."granteeId" = ${granteeId}`;
  return { granteeId, visible: Number(row?.n ?? 0) };
}

/** Times searchNodes for a grantee, `reps` times per query (limit 50). */
export async function timeGranteeNameQueries(granteeId: string, reps = 7): Promise<{ query: string; page: number; times: number[] }[]> {
  const actor = { userId: granteeId, role: "USER" as const, via: "session" as const };
  const out: { query: string; page: number; times: number[] }[] = [];
  for (const query of TEAM_QUERIES) {
    const times: number[] = [];
    let page = 0;
    for (let r = 0; r < reps; r++) {
      const s = performance.now();
      page = (await searchNodes({ actor, query, limit: 50 })).items.length;
      times.push(performance.now() - s);
    }
    out.push({ query, page, times });
  }
  return out;
}

/** Times searchNodes `reps` times per query (limit 50, as the search box asks) for this user. */
export async function timeNameQueries(prisma: PrismaClient, userId: string, reps = 7): Promise<NameSearchRow[]> {
  const actor = { userId, role: "USER" as const, via: "session" as const };
  const out: NameSearchRow[] = [];
  for (const query of NAME_QUERIES) {
    const times: number[] = [];
    let page = 0;
    for (let r = 0; r < reps; r++) {
      const s = performance.now();
      const result = await searchNodes({ actor, query, limit: 50 });
      times.push(performance.now() - s);
      page = result.items.length;
    }
    const [total] = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Node" WHERE "ownerId" = ${userId} AND name ILIKE ${containsPattern(query)}`;
    const chars = [...query].length;
    const where = `SELECT id, "updatedAt" FROM "Node" WHERE "ownerId" = $1 AND "trashedAt" IS NULL AND "rootOwnerId" IS NULL AND name ILIKE $2${chars === 2 ? " AND yp_name_bigrams(name) @> yp_name_bigrams($3)" : ""}`;
    // The statement shape searchNodes runs when its first look (the newest 2,000 nodes) finds no full page.
    const sql = chars >= 2
      ? `EXPLAIN WITH hits AS MATERIALIZED (${where}) SELECT * FROM hits ORDER BY "updatedAt" DESC, id DESC LIMIT 51`
      : `EXPLAIN ${where} ORDER BY "updatedAt" DESC, id DESC LIMIT 51`;
    const plan = await prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(sql, userId, containsPattern(query), ...(chars === 2 ? [query] : []));
    const scans = plan
      .map((p) => p["QUERY PLAN"])
      .filter((l) => /Scan/.test(l))
      .map((l) => l.trim().replace(/^->\s*/, "").replace(/\s*\(cost.*$/, ""));
    out.push({ query, matches: Number(total?.n ?? 0), page, times, plan: scans.join(" / ") });
  }
  return out;
}

export function nameRowLine(r: NameSearchRow): string {
  return (
    `${JSON.stringify(r.query).padEnd(12)} ${String(r.matches).padStart(7)} matches, page ${String(r.page).padStart(2)}: ` +
    `median ${median(r.times).toFixed(1)} ms (min ${Math.min(...r.times).toFixed(1)}, p99 ${percentile(r.times, 0.99).toFixed(1)})  plan: ${r.plan}`
  );
}
