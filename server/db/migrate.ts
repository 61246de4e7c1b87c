// Applies prisma/migrations at start, writing the same `_prisma_migrations` rows as Prisma's
// `migrate deploy` (which cannot run offline: see /work/shared/notes/prisma-offline.md §3 B).
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import pg from "pg";

type Row = Record<string, unknown>;

export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a multi-statement script without parameters. */
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Holds Prisma's migration advisory lock on one session. PGlite has none: the dir lock covers it. */
  withMigrationLock?<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

// Prisma's DDL for postgres, verbatim, so that Prisma's own tooling can take over the history.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;
const PRISMA_ADVISORY_LOCK = 72707369;

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

/** Migration dirs in apply order; the checksum is Prisma's: sha256 hex of the raw file bytes. */
export async function readLocalMigrations(dir = defaultMigrationsDir()): Promise<LocalMigration[]> {
  const entries = await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    }),
  );
}

export async function applyMigrations(
  db: SqlExecutor,
  opts: { migrationsDir?: string; log?: (msg: string) => void } = {},
): Promise<string[]> {
  const log = opts.log ?? ((msg: string) => console.log(msg));
  const dir = opts.migrationsDir ?? defaultMigrationsDir();
  const local = await readLocalMigrations(dir);
  const locked = db.withMigrationLock?.bind(db) ?? ((fn: (d: SqlExecutor) => Promise<string[]>) => fn(db));
  return locked(async (db) => {
    await db.exec(MIGRATIONS_TABLE);
    const rows = await db.query(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
    );
    const stuck = rows.find((r) => r.finished_at == null && r.rolled_back_at == null);
    if (stuck) {
      throw new Error(
        `Migration ${String(stuck.migration_name)} failed or is still running (finished_at is NULL in _prisma_migrations). ` +
          `Fix the database by hand, then set its rolled_back_at (to retry it) or finished_at (if it is complete).`,
      );
    }
    const done = rows.filter((r) => r.finished_at != null && r.rolled_back_at == null);
    const applied = new Map(done.map((r) => [r.migration_name, r.checksum]));
    const names: string[] = [];
    for (const m of local) {
      const checksum = applied.get(m.name);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) log(`warning: migration ${m.name} was edited after it was applied (checksum differs)`);
        continue;
      }
      // One transaction per migration: a failure leaves neither its changes nor its row behind.
      await db
        .transaction(async (tx) => {
          const id = randomUUID();
          await tx.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, clock_timestamp())`,
            [id, m.checksum, m.name],
          );
          await tx.exec(m.sql);
          await tx.query(
            `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
            [id],
          );
        })
        .catch((e: unknown) => {
          throw new Error(`Migration ${m.name} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        });
      log(`applied migration ${m.name}`);
      names.push(m.name);
    }
    const unknown = [...applied.keys()].filter((n) => !local.some((m) => m.name === n));
    if (unknown.length) log(`warning: the database has migrations missing from ${dir}: ${unknown.join(", ")}`);
    return names;
  });
}

export function pgliteExecutor(db: PGlite | Transaction): SqlExecutor {
  return {
    query: async (sql, params) => (await db.query<Row>(sql, params)).rows,
    exec: async (script) => void (await db.exec(script)),
    transaction: (fn) => {
      if (!("transaction" in db)) throw new Error("nested transactions are not supported");
      return db.transaction((tx) => fn(pgliteExecutor(tx)));
    },
  };
}

/** For a Pool every call may take another connection; transactions and the lock pin one. */
export function pgExecutor(db: pg.Pool | pg.ClientBase): SqlExecutor {
  const session = async <T>(fn: (c: pg.ClientBase) => Promise<T>): Promise<T> => {
    if (!(db instanceof pg.Pool)) return fn(db);
    const client = await db.connect();
    try {
      const result = await fn(client);
      client.release();
      return result;
    } catch (e) {
      // A connection that failed mid-session (it may hold a lock or half a transaction) is
      // destroyed rather than handed to the next caller.
      client.release(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  };
  return {
    query: async (sql, params) => (await db.query<Row>(sql, params)).rows,
    exec: async (script) => void (await db.query(script)),
    transaction: (fn) =>
      session(async (c) => {
        await c.query("BEGIN");
        try {
          const result = await fn(pgExecutor(c));
          await c.query("COMMIT");
          return result;
        } catch (e) {
          // On a lost connection ROLLBACK fails too; the first error is the one that explains.
          await c.query("ROLLBACK").catch(() => {});
          throw e;
        }
      }),
    withMigrationLock: (fn) =>
      session(async (c) => {
        await c.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK})`);
        try {
          return await fn(pgExecutor(c));
        } finally {
          await c.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK})`);
        }
      }),
  };
}
