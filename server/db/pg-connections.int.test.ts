import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgPool, withPgClient } from "@/server/db/pg-connections";

// PostgreSQL only: PGlite has no connections to lose.
const base = process.env.TEST_POSTGRES_URL;
const skipReason = base ? false : "needs PostgreSQL (run under scripts/with-postgres.mjs); PGlite has no connections to terminate";

const terminate = (app: string) =>
  withPgClient(base!, (c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [app]));

describe.skipIf(skipReason)("pg connections", () => {
  const pools: ReturnType<typeof openPgPool>[] = [];
  const open = () => {
    const app = `yp_conn_${randomBytes(4).toString("hex")}`;
    const p = openPgPool({ connectionString: base, application_name: app, max: 4 });
    pools.push(p);
    return { ...p, app };
  };
  beforeAll(() => void (process.env.LOG_LEVEL ??= "silent"));
  afterAll(async () => {
    for (const p of pools) await p.close().catch(() => {});
  });

  it("survives PostgreSQL ending its idle connections, then opens new ones", async () => {
    // Without a listener, the idle connection's 57P01 is thrown and the test process dies
    // (Vitest reports it as an unhandled error).
    const { pool, app } = open();
    await Promise.all([pool.query("SELECT pg_sleep(0.05)"), pool.query("SELECT pg_sleep(0.05)")]);
    expect(pool.idleCount).toBe(2);
    await terminate(app);
    await expect.poll(() => pool.totalCount).toBe(0);
    expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1);
  });

  it("survives PostgreSQL ending a checked-out connection, which is then not reused", async () => {
    const { pool, app } = open();
    const client = await pool.connect();
    await terminate(app);
    await expect(client.query("SELECT 1")).rejects.toThrow();
    client.release();
    expect(pool.totalCount).toBe(0);
    expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1);
  });
});
