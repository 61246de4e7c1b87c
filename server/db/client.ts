import path from "node:path";
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/server/db/generated/client.ts";
import { acquireDirLock } from "@/server/db/lock";
import { applyMigrations, pgliteExecutor, pgExecutor } from "@/server/db/migrate";
import { createDatabaseFilesInChild, hasDatabaseFiles } from "@/server/db/pglite-initdb";
import { openPgPool } from "@/server/db/pg-connections";

/**
 * PGlite's Postgres keeps its shared buffers inside the WebAssembly memory, and allocates them
 * zero-filled, so all of the pool is resident from the start: a process opening an embedded
 * database after its migrations had 84.6 MiB of WebAssembly memory resident with 64MB, 48.6 MiB
 * with 32MB (issue 15; Postgres's 128MB default also grew that memory past its initial 128 MiB).
 * The data files stay in the OS page cache, so a smaller pool costs a copy from it, not a disk read.
 */
const PGLITE_SETTINGS = ["-c", "shared_buffers=32MB"];

export type Db = PrismaClient;
export { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  mode: "embedded" | "postgres";
  /** PostgreSQL only: the connection string, for a LISTEN connection of its own (the change bus). */
  url?: string;
  /** Cheap round trip for the health check. */
  ping(): Promise<void>;
  /**
   * One statement straight to the driver ($1, $2 … parameters), answering the rows it touched.
   * For statements with big parameters: Prisma's query compiler copies each one, which cost ~4 ms
   * of CPU for three 100 KiB texts against ~1.5 ms through pg (the search index's rows). A
   * Uint8Array parameter is UTF-8 text: pg sends its bytes as they are (text's binary form).
   */
  execute(sql: string, params: (string | Uint8Array | null)[]): Promise<number>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { mode: "postgres"; url: string; migrate?: boolean }
  | { mode: "embedded"; dataDir: string; migrate?: boolean; lock?: boolean }
  | { mode: "memory"; migrate?: boolean };

// PGlite is one connection: interactive transactions queue behind each other, so give them
// room to wait instead of Prisma's 2 s default.
const transactionOptions = { maxWait: 15_000, timeout: 30_000 };
const utf8 = new TextDecoder();

type CommitListener = (tx: object) => void;
const COMMIT_KEY = Symbol.for("yunpan.db.commitListeners");
type CG = typeof globalThis & { [COMMIT_KEY]?: Set<CommitListener> };

/**
 * Runs `listener` with the transaction client after each interactive transaction commits (never
 * after a rollback). Prisma has no after-commit hook; the change log uses this to wake readers
 * once its rows are visible. Listeners live on globalThis: every bundle's copy shares them.
 */
export function onTransactionCommitted(listener: CommitListener): void {
  ((globalThis as CG)[COMMIT_KEY] ??= new Set()).add(listener);
}

function withCommitListeners(prisma: PrismaClient): PrismaClient {
  const run = prisma.$transaction.bind(prisma) as (arg: unknown, opts?: unknown) => Promise<unknown>;
  const patched = async (arg: unknown, opts?: unknown) => {
    if (typeof arg !== "function") return run(arg, opts);
    let client: object | undefined;
    const result = await run((tx: object) => {
      client = tx;
      return (arg as (tx: object) => unknown)(tx);
    }, opts);
    for (const listener of (globalThis as CG)[COMMIT_KEY] ?? []) {
      try {
        listener(client!);
      } catch (e) {
        console.error("commit listener failed", (e as Error).message);
      }
    }
    return result;
  };
  (prisma as unknown as { $transaction: typeof patched }).$transaction = patched;
  return prisma;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const db = await openDatabaseClient(opts);
  withCommitListeners(db.prisma);
  return db;
}

async function openDatabaseClient(opts: DatabaseOptions): Promise<Database> {
  if (opts.mode === "postgres") {
    // While PostgreSQL is away (restart, failover) queries fail and the pool opens new
    // connections once it is back: nothing here has to reconnect by hand.
    // JIT off for every connection: Yunpan's queries are short, and a recursive walk of shared
    // folders is estimated at hundreds of thousands of rows, which made PostgreSQL compile the
    // statement first (~190 ms of compiling for a ~100 ms search by a grantee). Each such query
    // used to take a transaction to turn it off locally, which cost round trips.
    const { pool, close } = openPgPool({ connectionString: opts.url, max: 10, options: "-c jit=off" });
    try {
      if (opts.migrate !== false) await applyMigrations(pgExecutor(pool));
    } catch (e) {
      await close();
      throw e;
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions });
    return {
      prisma,
      mode: "postgres",
      url: opts.url,
      ping: async () => void (await pool.query("select 1")),
      execute: async (sql, params) => (await pool.query(sql, params)).rowCount ?? 0,
      close: async () => {
        await prisma.$disconnect();
        await close();
      },
    };
  }
  // PGlite does not lock its directory, and two processes on it silently lose committed rows:
  // take our own exclusive lock before opening it.
  let release: (() => void) | undefined;
  let dataDir = "memory://";
  if (opts.mode === "embedded") {
    mkdirSync(opts.dataDir, { recursive: true });
    if (opts.lock !== false) release = acquireDirLock(opts.dataDir, { purpose: "yunpan database" }).release;
    dataDir = path.join(opts.dataDir, "db");
  }
  try {
    if (opts.mode === "embedded" && !hasDatabaseFiles(dataDir)) await createDatabaseFilesInChild(dataDir, PGLITE_SETTINGS);
    const pglite = await PGlite.create({ dataDir, extensions: { pg_trgm }, startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
    if (opts.migrate !== false) await applyMigrations(pgliteExecutor(pglite));
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions });
    return {
      prisma,
      mode: "embedded",
      ping: async () => void (await pglite.query("select 1")),
      // pglite.query waits for an open transaction to end: it never runs inside Prisma's.
      // PGlite would print a Uint8Array as a list of numbers: it gets the string.
      execute: async (sql, params) => (await pglite.query(sql, params.map((p) => (p instanceof Uint8Array ? utf8.decode(p) : p)))).affectedRows ?? 0,
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        release?.();
      },
    };
  } catch (e) {
    release?.();
    throw e;
  }
}

// One database per process: Next loads this module in two layers and the custom server's bundle
// adds a third, and a second PGlite on one directory loses rows. So the instance lives on
// globalThis under a registry symbol, and the promise is cached so concurrent callers share it.
const KEY = Symbol.for("yunpan.db");
type G = typeof globalThis & { [KEY]?: Promise<Database> };

export function setDatabase(db: Promise<Database>) {
  (globalThis as G)[KEY] = db;
}

export function getDatabase(): Promise<Database> {
  if (process.env.NEXT_PHASE === "phase-production-build") {
    throw new Error("getDatabase() called during `next build`: make the page dynamic");
  }
  const db = (globalThis as G)[KEY];
  if (!db) throw new Error("The database is not open: the server opens it at start (server/runtime/main.ts)");
  return db;
}

export async function getPrisma(): Promise<PrismaClient> {
  return (await getDatabase()).prisma;
}
