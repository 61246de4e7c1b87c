// A real database for one integration test file: PGlite in memory by default, or a fresh database
// on the cluster in TEST_POSTGRES_URL (scripts/with-postgres.mjs starts one). Services reach it
// through the same globalThis singleton the server uses, so nothing of ours is mocked.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, setDatabase, type Database, type PrismaClient } from "@/server/db/client";
import { withPgClient } from "@/server/db/pg-connections";
import { resolveEnv, setEnvForTests, type Env } from "@/server/env";

/** Environment variables, as a deployment would set them (e.g. `{ SIGNUP: "closed" }`). */
export type EnvOverrides = Record<string, string | undefined>;

export interface TestDatabase {
  readonly prisma: PrismaClient;
  readonly db: Database;
  /** The temp DATA_DIR (blobs, uploads) of this file. */
  readonly dataDir: string;
  readonly mode: "memory" | "postgres";
}

interface State {
  db: Database;
  dataDir: string;
  mode: "memory" | "postgres";
  fileEnv: EnvOverrides;
  drop?: () => Promise<void>;
}

let current: State | null = null;

function requireState(): State {
  if (!current) throw new Error("useTestDatabase(): the database is not open (call it at the top of the test file)");
  return current;
}

function buildEnv(dataDir: string, overrides: EnvOverrides): Env {
  // Deliberately not process.env: a developer's DATABASE_URL or SIGNUP must not leak into tests.
  return resolveEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: dataDir, BASE_URL: "http://127.0.0.1:3000", ...overrides });
}

/** Opens a new database named <prefix>_<random> on a PostgreSQL cluster; `drop` removes it. */
export async function createPostgresDatabase(baseUrl: string, prefix = "yp") {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withPgClient(baseUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  // Called after the file's pool is closed (every socket ended), so FORCE ends nobody of ours.
  const drop = () => withPgClient(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {});
  return { url: url.toString(), drop };
}

/**
 * Registers beforeAll/afterAll hooks that give this test file its own database (migrations
 * applied), its own DATA_DIR and a test configuration. Call it once, at the top of the file.
 * `env` applies to the whole file; `setTestEnv` changes it later.
 */
export function useTestDatabase(options: { env?: EnvOverrides } = {}): TestDatabase {
  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "yp-test-"));
    const fileEnv = options.env ?? {};
    setEnvForTests(buildEnv(dataDir, fileEnv));
    // Process singletons built from an earlier configuration (another DATA_DIR) are dropped, so
    // the blob store, the tus server and the rate limiters are made again from this file's one.
    for (const key of ["yunpan.blobStore", "yunpan.tus", "yunpan.rateLimiters", "yunpan.settings"]) {
      delete (globalThis as Record<symbol, unknown>)[Symbol.for(key)];
    }

    const baseUrl = process.env.TEST_POSTGRES_URL;
    let db: Database;
    let drop: (() => Promise<void>) | undefined;
    if (baseUrl) {
      const created = await createPostgresDatabase(baseUrl);
      drop = created.drop;
      try {
        db = await openDatabase({ mode: "postgres", url: created.url });
      } catch (e) {
        await drop();
        throw e;
      }
    } else {
      db = await openDatabase({ mode: "memory" });
    }
    setDatabase(Promise.resolve(db));
    current = { db, dataDir, mode: baseUrl ? "postgres" : "memory", fileEnv, drop };
  });

  afterAll(async () => {
    const state = current;
    current = null;
    if (!state) return;
    try {
      // close() resolves once every connection's socket is closed: none is left for the drop to end.
      await state.db.close();
    } finally {
      try {
        await state.drop?.();
      } finally {
        await rm(state.dataDir, { recursive: true, force: true });
      }
    }
  });

  return {
    get prisma() {
      return requireState().db.prisma;
    },
    get db() {
      return requireState().db;
    },
    get dataDir() {
      return requireState().dataDir;
    },
    get mode() {
      return requireState().mode;
    },
  };
}

/** Replaces the configuration for the rest of the file: the file's env plus `overrides`. */
export function setTestEnv(overrides: EnvOverrides = {}): void {
  const state = requireState();
  setEnvForTests(buildEnv(state.dataDir, { ...state.fileEnv, ...overrides }));
}

/** Runs `fn` with extra configuration (e.g. `{ SIGNUP: "closed" }`), then restores the file's. */
export async function withTestEnv<T>(overrides: EnvOverrides, fn: () => Promise<T>): Promise<T> {
  setTestEnv(overrides);
  try {
    return await fn();
  } finally {
    setTestEnv();
  }
}

/**
 * Empties every table (the migration history stays), for tests that need a server with no
 * accounts, such as "the first sign-up becomes admin".
 */
export async function resetDatabase(): Promise<void> {
  const { prisma } = requireState().db;
  const tables = await prisma.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  const list = tables.map((t) => `"${t.tablename.replace(/"/g, '""')}"`).join(", ");
  await prisma.$executeRawUnsafe(`TRUNCATE ${list} CASCADE`);
}
