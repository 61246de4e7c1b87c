import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPgClient, withPgClient } from "@/server/db/pg-connections";
import { runAdminCli, startServerProcess } from "@/server/test/server-process";
import { allJobs } from "@/server/runtime/jobs";

// PostgreSQL goes away under a running server (restart, failover): every backend of its database
// is terminated at the worst moments. The server must stay up, answer 503 with Retry-After while
// a request's connection is lost, and serve everything again afterwards, losing nothing.
const pgBase = process.env.TEST_POSTGRES_URL;
const skipReason = pgBase ? false : "needs PostgreSQL (run under scripts/with-postgres.mjs): PGlite runs in-process, there is no backend to terminate";
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const FOLDERS = 20_000;

describe.skipIf(skipReason)("the database goes away under a running server", () => {
  let name = "";
  let dbUrl = "";
  let dataDir = "";
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  let auth: Record<string, string> = {};

  const admin = <T>(fn: (c: pg.Client) => Promise<T>) => withPgClient(dbUrl, fn);
  /**
   * pg_terminate_backend on every backend of the server's database but `spare` (from the cluster's
   * own db), waiting until each is gone. A lock holder is spared and let go only afterwards: were it
   * terminated first, a waiter could run its query and answer before its own signal lands.
   */
  const terminateAll = (spare = 0) =>
    withPgClient(pgBase!, async (c) => {
      const { rowCount } = await c.query(
        `SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND pid <> $2`,
        [name, spare],
      );
      return rowCount ?? 0;
    });
  /** Resolves once a backend of the database waits on a lock (the request under test is blocked there). */
  const lockWaiter = () =>
    expect
      .poll(() => withPgClient(pgBase!, async (c) => Number((await c.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [name])).rows[0].n)), { timeout: 30_000 })
      .toBeGreaterThan(0);
  /** Holds `sql`'s locks in an open transaction until the connection is terminated. */
  const holdLock = async (sql: string, params: unknown[] = []) => {
    const c = await connectPgClient(dbUrl);
    await c.query("BEGIN");
    await c.query(sql, params);
    const pid = Number((await c.query("SELECT pg_backend_pid() AS pid")).rows[0].pid);
    return { pid, release: () => c.end().catch(() => {}) };
  };
  /**
   * Resolves once every background job has finished its first pass (15–30 s after boot) and the
   * queue is empty: a job that queries "Node" meanwhile would be the lock waiter lockWaiter sees,
   * and the request under test would reach the database only after the outage.
   */
  const jobsQuiet = () =>
    expect
      .poll(
        () =>
          admin(async (c) => {
            const runs = await c.query(`SELECT name FROM "JobRun" WHERE "lastFinishedAt" >= "lastStartedAt"`);
            const queued = await c.query(`SELECT count(*) AS n FROM "QueuedJob" WHERE status IN ('QUEUED', 'RUNNING')`);
            const done = new Set(runs.rows.map((r: { name: string }) => r.name));
            return allJobs().every((j) => done.has(j.name)) && Number(queued.rows[0].n) === 0;
          }),
        { timeout: 90_000, interval: 500 },
      )
      .toBe(true);
  const expectAlive = () => {
    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
  };
  const tus = (extra: Record<string, string> = {}) => ({ ...auth, "Tus-Resumable": "1.0.0", ...extra });

  beforeAll(async () => {
    name = `yp_outage_${randomBytes(4).toString("hex")}`;
    await withPgClient(pgBase!, (c) => c.query(`CREATE DATABASE "${name}"`));
    const url = new URL(pgBase!);
    url.pathname = `/${name}`;
    dbUrl = url.toString();
    dataDir = await mkdtemp(path.join(os.tmpdir(), "yp-outage-"));
    const env = { DATABASE_URL: dbUrl, DATA_DIR: dataDir };
    server = await startServerProcess(env);
    await runAdminCli(env, ["create-user", "--email", "outage@example.com", "--password", "database outage password"]);
    const { token } = (await runAdminCli(env, ["create-token", "--email", "outage@example.com", "--name", "t"])) as { token: string };
    auth = { Authorization: `Bearer ${token}` };
  }, 240_000);

  afterAll(async () => {
    await server?.kill();
    if (name) await withPgClient(pgBase!, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("an upload whose commit loses the database answers 503, then resumes and finishes with the right sha256", async () => {
    const bytes = randomBytes(6 * 1024 * 1024 + 123);
    const created = await fetch(`${server.url}/api/upload`, {
      method: "POST",
      headers: tus({ "Upload-Length": String(bytes.length), "Upload-Metadata": `filename ${Buffer.from("outage.bin").toString("base64")}` }),
    });
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get("location")!, server.url).toString();
    const half = 4 * 1024 * 1024;
    const first = await fetch(location, { method: "PATCH", headers: tus({ "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }), body: bytes.subarray(0, half) });
    expect(first.status).toBe(204);

    // The commit charges the owner's row: holding it makes the commit wait inside its transaction,
    // after the bytes were adopted, and that is when PostgreSQL goes away.
    const holder = await holdLock(`SELECT 1 FROM "User" WHERE email = $1 FOR UPDATE`, ["outage@example.com"]);
    const last = fetch(location, { method: "PATCH", headers: tus({ "Upload-Offset": String(half), "Content-Type": "application/offset+octet-stream" }), body: bytes.subarray(half) });
    await lockWaiter();
    expect(await terminateAll(holder.pid)).toBeGreaterThan(0);
    await holder.release();
    const answer = await last;
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("5");
    expect((await answer.json()).message).toBe("The database is unavailable right now; try again in a moment.");
    expectAlive();

    // What tus-js-client does next: HEAD to learn the offset. It finishes the commit.
    const head = await fetch(location, { method: "HEAD", headers: tus() });
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe(String(bytes.length));
    const [node] = await admin(async (c) => (await c.query(`SELECT id FROM "Node" WHERE name = 'outage.bin' AND "trashedAt" IS NULL`)).rows);
    const download = await fetch(`${server.url}/api/files/${node.id}/content`, { headers: auth });
    expect(download.status).toBe(200);
    expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(sha(bytes));
  });

  it(`a listing of ${FOLDERS.toLocaleString("en")} items that loses the database answers 503, and the retry lists them all`, async () => {
    // 20k rather than 100k folders, seeded with SQL: the same code path, in a fraction of the time.
    await admin((c) =>
      c.query(
        `INSERT INTO "Node" (id, "ownerId", "parentId", kind, name, "liveName", "updatedAt")
         SELECT gen_random_uuid()::text, r."ownerId", r.id, 'FOLDER', 'folder ' || g, 'folder ' || g, now()
         FROM "Node" r JOIN "User" u ON u.id = r."rootOwnerId", generate_series(1, ${FOLDERS}) g WHERE u.email = 'outage@example.com'`,
      ),
    );
    const propfind = () => fetch(`${server.url}/dav/`, { method: "PROPFIND", headers: { ...auth, Depth: "1" } });
    await jobsQuiet();
    const holder = await holdLock(`LOCK TABLE "Node" IN ACCESS EXCLUSIVE MODE`);
    const listing = propfind();
    await lockWaiter();
    expect(await terminateAll(holder.pid)).toBeGreaterThan(0);
    await holder.release();
    const answer = await listing;
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("5");
    expectAlive();

    const retry = await propfind();
    expect(retry.status).toBe(207);
    // The drive root itself, the uploaded file of the first test and every folder.
    expect((await retry.text()).match(/<D:response>/g)?.length).toBe(FOLDERS + 2);
  });

  it("an idle server whose connections are all terminated stays up and serves the next requests", async () => {
    await expect.poll(() => fetch(`${server.url}/api/health`).then((r) => r.status)).toBe(200);
    expect(await terminateAll()).toBeGreaterThan(0);
    // Long enough for every idle connection to see its 57P01.
    await new Promise((r) => setTimeout(r, 1000));
    expectAlive();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const bytes = randomBytes(1000);
    const created = await fetch(`${server.url}/api/upload`, {
      method: "POST",
      headers: tus({ "Upload-Length": String(bytes.length), "Upload-Metadata": `filename ${Buffer.from("after.bin").toString("base64")}`, "Content-Type": "application/offset+octet-stream" }),
      body: bytes,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("upload-offset")).toBe(String(bytes.length));
  });
});
