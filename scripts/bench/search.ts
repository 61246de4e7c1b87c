// BENCH_ONLY=search (issue 16 Bench): content search indexing throughput, query times over
// 100,000 documents, index size, and the name search at 1,000,000 nodes. The measuring is in
// search-run.ts, run as a child process so its CPU and peak RSS are its own: on the PostgreSQL
// at BENCH_PG_URL (or TEST_POSTGRES_URL), else on a throwaway cluster of scripts/with-postgres.mjs
// when PostgreSQL is installed, else on PGlite in memory (BENCH_SEARCH_DB=pglite forces PGlite).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Processes } from "./processes";
import { root } from "./yunpan";

const PG_ROOT = "/usr/lib/postgresql";

/** Whether scripts/with-postgres.mjs can start a cluster here (the server binaries of PostgreSQL ≥ 15). */
function postgresInstalled(): boolean {
  if (!existsSync(PG_ROOT)) return false;
  return readdirSync(PG_ROOT).some((d) => /^\d+$/.test(d) && Number(d) >= 15 && ["initdb", "pg_ctl", "postgres"].every((b) => existsSync(path.join(PG_ROOT, d, "bin", b))));
}

export async function searchBench(procs: Processes, options: { tmp: string; quick: boolean; teamsOnly?: boolean }): Promise<string[]> {
  const url = process.env.BENCH_PG_URL || process.env.TEST_POSTGRES_URL;
  const runner = ["--import", "tsx", path.join(root, "scripts/bench/search-run.ts")];
  const harness = !url && process.env.BENCH_SEARCH_DB !== "pglite" && postgresInstalled();
  const args = harness ? [path.join(root, "scripts/with-postgres.mjs"), process.execPath, ...runner] : runner;
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_SEARCH_TMP: options.tmp, BENCH_QUICK: options.quick ? "1" : "0" };
  if (options.teamsOnly) env.BENCH_SEARCH_ONLY = "teams";
  if (process.env.BENCH_SEARCH_DB === "pglite") {
    delete env.BENCH_PG_URL;
    delete env.TEST_POSTGRES_URL;
  }
  console.error(`bench: search: ${harness ? "PostgreSQL via scripts/with-postgres.mjs" : url && process.env.BENCH_SEARCH_DB !== "pglite" ? "PostgreSQL at BENCH_PG_URL/TEST_POSTGRES_URL" : "PGlite"} …`);
  const p = procs.start("search bench", process.execPath, args, { cwd: root, env });
  let stdout = "";
  p.child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  p.child.stderr?.on("data", (d: Buffer) => process.stderr.write(d));
  const code = await new Promise<number | null>((resolve) => p.child.once("exit", (c) => resolve(c)));
  if (code !== 0) throw new Error(`the search bench exited with ${code}: ${p.output().slice(-2000)}`);
  return stdout.trimEnd().split("\n");
}
