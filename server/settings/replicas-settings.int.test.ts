import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAdminCli, startServerProcess } from "@/server/test/server-process";
import { createPostgresDatabase } from "@/server/test/test-db";
import { startRedis, REDIS_BINARY } from "@/server/test/redis-server";

// Two replicas on one PostgreSQL: a setting changed through replica A holds on replica B without a
// restart, carried by the change bus (LISTEN/NOTIFY, or Redis pub/sub when REDIS_URL is set). The
// wait is a generous bound polled, never a timing assertion: the bus is meant to take well under a second.
const pgBase = process.env.TEST_POSTGRES_URL;
const BOUND_MS = 30_000;

type Replica = Awaited<ReturnType<typeof startServerProcess>>;

async function trpc(replica: Replica, procedure: string, opts: { token?: string; input?: unknown; mutation?: boolean } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/json", ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}) };
  const res = opts.mutation
    ? await fetch(`${replica.url}/api/trpc/${procedure}`, { method: "POST", headers, body: JSON.stringify({ json: opts.input }) })
    : await fetch(`${replica.url}/api/trpc/${procedure}${opts.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: opts.input }))}`}`, { headers });
  return { status: res.status, body: (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string } } } };
}

/** Polls `read` until it returns `want` or the bound passes; returns what it saw last. */
async function until<T>(read: () => Promise<T>, want: T): Promise<T> {
  const deadline = Date.now() + BOUND_MS;
  let last = await read();
  while (last !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

function replicaPair(withRedis: boolean) {
  const replicas: Replica[] = [];
  let token = "";
  let dropDb: (() => Promise<void>) | undefined;
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let dataDir = "";

  beforeAll(async () => {
    if (!pgBase) return;
    const scratch = await createPostgresDatabase(pgBase, "yp_settings");
    dropDb = scratch.drop;
    const url = new URL(scratch.url);
    if (withRedis) redis = await startRedis();
    dataDir = await mkdtemp(path.join(os.tmpdir(), "yp-settings-replicas-"));
    const env: Record<string, string> = { DATABASE_URL: url.toString(), DATA_DIR: dataDir, ...(redis ? { REDIS_URL: redis.url } : {}) };
    replicas.push(await startServerProcess(env));
    replicas.push(await startServerProcess(env));
    await runAdminCli(env, ["create-user", "--email", "boss@example.com", "--admin", "--password", "settings replicas password"]);
    await runAdminCli(env, ["create-user", "--email", "someone@example.com", "--password", "settings replicas password"]);
    token = ((await runAdminCli(env, ["create-token", "--email", "boss@example.com", "--name", "t"])) as { token: string }).token;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    await redis?.stop();
    await dropDb?.();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  return { replicas, token: () => token };
}

const signupOf = async (r: Replica) => ((await trpc(r, "auth.config")).body.result?.data.json as { signup: string } | undefined)?.signup;

for (const carrier of ["PostgreSQL LISTEN/NOTIFY", "Redis pub/sub"] as const) {
  describe.skipIf(!pgBase || (carrier === "Redis pub/sub" && !REDIS_BINARY))(`settings on two replicas, ${carrier}`, () => {
    const pair = replicaPair(carrier === "Redis pub/sub");

    test("sign-up closed through replica A is closed on replica B; reopened through B, open on A", async () => {
      const [a, b] = pair.replicas as [Replica, Replica];
      // Both replicas have read their settings once (their snapshots exist before the change).
      expect(await signupOf(a)).toBe("open");
      expect(await signupOf(b)).toBe("open");

      const closed = await trpc(a, "admin.settings.update", { token: pair.token(), mutation: true, input: { changes: { signupPolicy: "closed" } } });
      expect(closed.status).toBe(200);
      expect(await until(() => signupOf(b), "closed")).toBe("closed");
      const refused = await trpc(b, "auth.signUp", { mutation: true, input: { email: `late-${randomBytes(3).toString("hex")}@example.com`, name: "Late", password: "a long enough password" } });
      expect(refused.status).toBe(403);

      const reopened = await trpc(b, "admin.settings.update", { token: pair.token(), mutation: true, input: { changes: { signupPolicy: "open", trashDays: 9 } } });
      expect(reopened.status).toBe(200);
      expect(await until(() => signupOf(a), "open")).toBe("open");
      const listed = await trpc(a, "admin.settings.list", { token: pair.token() });
      const trash = (listed.body.result?.data.json as { key: string; value: unknown; source: string }[]).find((s) => s.key === "trashDays");
      expect(trash).toMatchObject({ value: 9, source: "db" });
    }, 120_000);
  });
}
