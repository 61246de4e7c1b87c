// Name search timings on many nodes of one user (the worst case for the owner filter); the
// seeding and timing are scripts/bench/name-search.ts, shared with `BENCH_ONLY=search npm run bench`.
// Usage: node --import tsx scripts/search-bench.ts            (PGlite in memory)
//        node scripts/with-postgres.mjs node --import tsx scripts/search-bench.ts   (PostgreSQL)
//        SEARCH_BENCH_CTYPE=C.UTF-8 node scripts/with-postgres.mjs node --import tsx scripts/search-bench.ts
//        SEARCH_BENCH_NODES=1000000 …                           (default 100,000)
import { connectPgClient, withPgClient } from "@/server/db/pg-connections";
import { openDatabase, setDatabase } from "@/server/db/client";
import { resolveEnv, setEnvForTests } from "@/server/env";
import { nameRowLine, seedNameNodes, timeNameQueries } from "./bench/name-search";

const N = Number(process.env.SEARCH_BENCH_NODES ?? 100_000);
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
  const t0 = performance.now();
  const userId = await seedNameNodes(db.prisma, N);
  console.log(`${db.mode}: seeded ${await db.prisma.node.count()} nodes in ${Math.round(performance.now() - t0)} ms`);
  for (const row of await timeNameQueries(db.prisma, userId)) console.log(nameRowLine(row));
  await db.close();
  if (url) {
    await withPgClient(url, (admin) => admin.query("DROP DATABASE IF EXISTS yp_search_bench WITH (FORCE)"));
  }
}

await main();
