// Search timings on 100 000 nodes of one user (the worst case for the owner filter).
// Usage: node --import tsx scripts/search-bench.ts            (PGlite in memory)
//        node scripts/with-postgres.mjs node --import tsx scripts/search-bench.ts   (PostgreSQL)
//        SEARCH_BENCH_CTYPE=C.UTF-8 node scripts/with-postgres.mjs node --import tsx scripts/search-bench.ts
// Seeds with SQL (generate_series), then times searchNodes (the service, paths included) and shows
// the plan PostgreSQL picks for each query.
import { randomUUID } from "node:crypto";
import { connectPgClient, withPgClient } from "@/server/db/pg-connections";
import { openDatabase, setDatabase } from "@/server/db/client";
import { resolveEnv, setEnvForTests } from "@/server/env";
import { searchNodes } from "@/server/drive/search.service";
import { containsPattern } from "@/server/drive/search.service";

const N = 100_000;
const FOLDERS = 1_000;
const url = process.env.TEST_POSTGRES_URL;

async function main() {
  setEnvForTests(resolveEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: "/tmp/yp-search-bench" }));
  let dbUrl: string | undefined;
  if (url) {
    const admin = await connectPgClient(url);
    await admin.query("DROP DATABASE IF EXISTS yp_search_bench");
    // SEARCH_BENCH_CTYPE=C.UTF-8: in a C-ctype database pg_trgm drops CJK characters, so Chinese
    // queries cannot use the trigram index there (measured: seq scans).
    const ctype = process.env.SEARCH_BENCH_CTYPE;
    await admin.query(`CREATE DATABASE yp_search_bench${ctype ? ` TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE '${ctype}' LC_COLLATE '${ctype}'` : ""}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = "/yp_search_bench";
    dbUrl = u.toString();
  }
  const db = dbUrl ? await openDatabase({ mode: "postgres", url: dbUrl }) : await openDatabase({ mode: "memory" });
  setDatabase(Promise.resolve(db));
  const prisma = db.prisma;
  const userId = randomUUID();
  const rootId = randomUUID();
  const t0 = performance.now();
  await prisma.$executeRaw`INSERT INTO "User" (id, email, name, "updatedAt") VALUES (${userId}, 'bench@example.com', 'Bench', now())`;
  await prisma.$executeRaw`INSERT INTO "Node" (id, "ownerId", kind, name, "rootOwnerId", "updatedAt") VALUES (${rootId}, ${userId}, 'FOLDER', '', ${userId}, now())`;
  // Names are two of twenty words plus a number and an extension; "稀有" is in 0.1% of them, "月报" in none.
  const words = ["季度", "报告", "年度", "总结", "会议", "纪要", "合同", "发票", "照片", "旅行", "项目", "计划", "预算", "设计", "方案", "周报", "数据", "分析", "客户", "产品"];
  const exts = [".xlsx", ".docx", ".pdf", ".jpg", ".mp4", ".txt", ".zip", ".pptx"];
  await prisma.$executeRaw`
    INSERT INTO "Node" (id, "ownerId", "parentId", kind, name, "liveName", "updatedAt")
    SELECT gen_random_uuid()::text, ${userId}, ${rootId}, 'FOLDER', '文件夹 ' || i, '文件夹 ' || i, now() - (i || ' minutes')::interval
    FROM generate_series(1, ${FOLDERS}) i`;
  await prisma.$executeRaw`
    WITH f AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM "Node" WHERE "parentId" = ${rootId})
    INSERT INTO "Node" (id, "ownerId", "parentId", kind, name, "liveName", size, "mimeType", "updatedAt")
    SELECT gen_random_uuid()::text, ${userId}, f.id, 'FILE', n.name, n.name, 1000, 'application/octet-stream', now() - (i || ' seconds')::interval
    FROM generate_series(1, ${N - FOLDERS - 1}) i
    CROSS JOIN LATERAL (SELECT
      CASE WHEN i % 1000 = 7 THEN '稀有' ELSE '' END
      || (${words}::text[])[1 + (i * 7) % 20] || (${words}::text[])[1 + (i * 13 / 20) % 20] || '_' || i || (${exts}::text[])[1 + i % 8] AS name) n
    JOIN f ON f.k = 1 + i % ${FOLDERS}`;
  await prisma.$executeRawUnsafe(`ANALYZE "Node"`);
  const count = await prisma.node.count();
  console.log(`${db.mode}: seeded ${count} nodes in ${Math.round(performance.now() - t0)} ms`);

  const actor = { userId, role: "USER" as const, via: "session" as const };
  for (const query of ["报告", "稀有", "月报", "季度报", "季度报告", "稀有季度", "report", "_123", ".pdf", "文件夹"]) {
    const times: number[] = [];
    let hits = 0;
    for (let r = 0; r < 7; r++) {
      const s = performance.now();
      const page = await searchNodes({ actor, query, limit: 50 });
      times.push(performance.now() - s);
      hits = page.items.length;
    }
    times.sort((a, b) => a - b);
    const [total] = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Node" WHERE name ILIKE ${containsPattern(query)}`;
    const where = `SELECT id, "updatedAt" FROM "Node" WHERE "ownerId" = $1 AND "trashedAt" IS NULL AND "rootOwnerId" IS NULL AND name ILIKE $2`;
    // The same statement shapes searchNodes runs (the CTE from three characters on).
    const sql = [...query].length >= 3
      ? `EXPLAIN WITH hits AS MATERIALIZED (${where}) SELECT * FROM hits ORDER BY "updatedAt" DESC, id DESC LIMIT 51`
      : `EXPLAIN ${where} ORDER BY "updatedAt" DESC, id DESC LIMIT 51`;
    const plan = await prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(sql, userId, containsPattern(query));
    const scans = plan
      .map((p) => p["QUERY PLAN"])
      .filter((l) => /Scan/.test(l))
      .map((l) => l.trim().replace(/^->\s*/, "").replace(/\s*\(cost.*$/, ""));
    console.log(
      `${JSON.stringify(query).padEnd(12)} ${String(Number(total?.n ?? 0)).padStart(6)} matches, page ${String(hits).padStart(2)}: ` +
        `median ${times[3]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[6]!.toFixed(1)})  plan: ${scans.join(" / ")}`,
    );
  }
  await db.close();
  if (url) {
    await withPgClient(url, (admin) => admin.query("DROP DATABASE IF EXISTS yp_search_bench WITH (FORCE)"));
  }
}

await main();
