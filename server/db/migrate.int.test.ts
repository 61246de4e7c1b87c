import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyMigrations, pgExecutor, pgliteExecutor, type SqlExecutor } from "./migrate.ts";
import { openPgPool, withPgClient, type PgPool } from "./pg-connections.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const migrationsDir = path.join(root, "prisma/migrations");
const names = readdirSync(migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const expectedRows = names.map((name) => ({
  migration_name: name,
  checksum: createHash("sha256").update(readFileSync(path.join(migrationsDir, name, "migration.sql"))).digest("hex"),
  applied_steps_count: 1,
}));
const quiet = { migrationsDir, log: () => {} };

async function historyOf(db: SqlExecutor) {
  return db.query(
    `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
  );
}

describe("applyMigrations on PGlite", () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create("memory://migrate-test", { extensions: { pg_trgm } });
  });
  afterAll(() => pglite?.close());

  it("applies every committed migration once, with Prisma's checksum, and nothing on a second run", async () => {
    const db = pgliteExecutor(pglite);
    expect(await applyMigrations(db, quiet)).toEqual(names);

    expect(await db.query(`SELECT to_regclass('"Node"') IS NOT NULL AS present`)).toEqual([{ present: true }]);
    expect(await db.query(`SELECT indexname FROM pg_indexes WHERE indexname = 'Node_name_trgm_idx'`)).toHaveLength(1);
    expect(await historyOf(db)).toEqual(expectedRows);

    expect(await applyMigrations(db, quiet)).toEqual([]);
    expect(await historyOf(db)).toEqual(expectedRows);
  });
});

describe("applyMigrations on unusual histories (PGlite)", () => {
  let pglite: PGlite;
  let dir: string;
  const write = (name: string, sql: string) => {
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  };
  beforeAll(async () => {
    pglite = await PGlite.create("memory://migrate-edge", { extensions: { pg_trgm } });
  });
  afterAll(() => pglite?.close());
  beforeEach(async () => {
    await pglite.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
    dir = mkdtempSync(path.join(os.tmpdir(), "yunpan-migrations-"));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it("rolls a failing migration back completely and names it; a fixed retry applies it", async () => {
    const db = pgliteExecutor(pglite);
    write("20260101000000_a", `CREATE TABLE "A" (id int);`);
    write("20260102000000_b", `CREATE TABLE "B" (id int); INSERT INTO nope VALUES (1);`);
    await expect(applyMigrations(db, { migrationsDir: dir, log: () => {} })).rejects.toThrow(
      /Migration 20260102000000_b failed: .*nope/,
    );
    expect((await db.query(`SELECT migration_name FROM "_prisma_migrations"`)).map((r) => r.migration_name)).toEqual([
      "20260101000000_a",
    ]);
    expect(await db.query(`SELECT to_regclass('"B"') AS b`)).toEqual([{ b: null }]);

    write("20260102000000_b", `CREATE TABLE "B" (id int);`);
    expect(await applyMigrations(db, { migrationsDir: dir, log: () => {} })).toEqual(["20260102000000_b"]);
  });

  it("refuses to run past an unfinished migration row", async () => {
    const db = pgliteExecutor(pglite);
    write("20260101000000_a", `CREATE TABLE "A" (id int);`);
    await applyMigrations(db, { migrationsDir: dir, log: () => {} });
    await db.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, 'x', 'half_done')`, [
      randomUUID(),
    ]);
    write("20260102000000_b", `CREATE TABLE "B" (id int);`);
    await expect(applyMigrations(db, { migrationsDir: dir, log: () => {} })).rejects.toThrow(/Migration half_done failed/);
    expect(await db.query(`SELECT to_regclass('"B"') AS b`)).toEqual([{ b: null }]);
  });

  it("warns about a migration edited after it was applied, and does not re-run it", async () => {
    const db = pgliteExecutor(pglite);
    write("20260101000000_a", `CREATE TABLE "A" (id int);`);
    await applyMigrations(db, { migrationsDir: dir, log: () => {} });
    write("20260101000000_a", `CREATE TABLE "A" (id bigint);`);
    const logs: string[] = [];
    expect(await applyMigrations(db, { migrationsDir: dir, log: (m) => logs.push(m) })).toEqual([]);
    expect(logs).toEqual([expect.stringMatching(/20260101000000_a was edited after it was applied/)]);
  });
});

// The harness provides a throwaway database; a private schema keeps this test out of its way.
const pgUrl = process.env.TEST_POSTGRES_URL ?? process.env.DATABASE_URL;

describe.skipIf(!pgUrl)("applyMigrations on PostgreSQL", () => {
  const schema = `migrate_test_${randomUUID().slice(0, 8)}`;
  let pgPool: PgPool;
  let pool: pg.Pool;
  beforeAll(async () => {
    await withPgClient(pgUrl!, (admin) => admin.query(`CREATE SCHEMA "${schema}"`));
    // public stays on the path: pg_trgm's operator classes may already live there.
    pgPool = openPgPool({ connectionString: pgUrl, options: `-c search_path=${schema},public` });
    pool = pgPool.pool;
  });
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pgPool?.close();
  });

  it("applies every migration exactly once even when two runners start together, then nothing", async () => {
    const db = pgExecutor(pool);
    const [a, b] = await Promise.all([applyMigrations(db, quiet), applyMigrations(db, quiet)]);
    expect([...a, ...b]).toEqual(names);
    expect(await historyOf(db)).toEqual(expectedRows);
    expect(await applyMigrations(db, quiet)).toEqual([]);
  });

  it("the search index's tsvector compresses with lz4 where the server has it, its text with pglz (smaller)", async () => {
    const { rows: [setting] } = await pool.query<{ lz4: boolean }>(`SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`);
    const { rows } = await pool.query<{ attname: string; attcompression: string }>(
      `SELECT attname, attcompression FROM pg_attribute WHERE attrelid = '"SearchText"'::regclass AND attname IN ('text', 'tsv') ORDER BY attname`,
    );
    expect(rows).toEqual([{ attname: "text", attcompression: setting!.lz4 ? "p" : "" }, { attname: "tsv", attcompression: setting!.lz4 ? "l" : "" }]);
  });
});

describe("migrate-tool check", () => {
  const run = promisify(execFile);
  const check = (env: Record<string, string> = {}) => {
    // Strip any overrides from the caller's environment so the committed paths are checked.
    const { SCHEMA_PATH: _schema, MIGRATIONS_DIR: _migrations, ...base } = process.env;
    return run(process.execPath, ["--import", "tsx", "scripts/migrate-tool.ts", "check"], {
      cwd: root,
      env: { ...base, ...env },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  };

  // This is the test that fails when schema.prisma changes without a migration.
  it("finds prisma/migrations in sync with schema.prisma", { timeout: 120_000 }, async () => {
    const r = await check();
    expect(r.stderr + r.stdout).toContain("in sync");
    expect(r.code).toBe(0);
  });

  it("exits 2 with the missing SQL when the schema has drifted", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "yunpan-schema-"));
    try {
      const drifted = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8").replace(
        /^(model Blob \{\n)/m,
        "$1  driftProbe String?\n",
      );
      writeFileSync(path.join(dir, "schema.prisma"), drifted);
      const r = await check({ SCHEMA_PATH: path.join(dir, "schema.prisma") });
      expect(r.code).toBe(2);
      expect(r.stdout).toContain(`ADD COLUMN     "driftProbe" TEXT`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
