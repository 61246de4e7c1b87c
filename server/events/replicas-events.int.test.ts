import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAdminCli, startReplicaPair, type ServerProcess } from "@/server/test/server-process";
import { startRedis } from "@/server/test/redis-server";
import { sseMessages } from "@/server/test/sse-messages";
import { REREAD_MS } from "@/server/changes/change-feed.service";

// Two replicas on one PostgreSQL: a change made through replica A reaches an SSE stream and a
// changes.wait long poll held by replica B, carried by LISTEN/NOTIFY, or by Redis pub/sub when
// REDIS_URL is set. Every wait below is shorter than the readers' own re-read (REREAD_MS), so
// only a wake-up from the bus can deliver in time.
const pgBase = process.env.TEST_POSTGRES_URL;
const WAIT_S = 15;

type Replica = ServerProcess;

/** Reads SSE change events until one whose newName is `name` (or the deadline). */
function nextChange(res: Response, name: string): Promise<{ id: string; kind: string; newName: string | null } | null> {
  const reader = res.body!.getReader();
  const deadline = setTimeout(() => void reader.cancel(), WAIT_S * 1000);
  return (async () => {
    try {
      for await (const messages of sseMessages(reader)) {
        for (const m of messages) {
          const change = JSON.parse(m.data) as { kind: string; newName: string | null };
          if (change.newName === name) return { id: m.id, ...change };
        }
      }
      return null;
    } finally {
      clearTimeout(deadline);
      reader.releaseLock();
    }
  })();
}

function replicaPair(withRedis: boolean) {
  const replicas: Replica[] = [];
  let token = "";
  let pair: Awaited<ReturnType<typeof startReplicaPair>> | undefined;
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;

  beforeAll(async () => {
    if (!pgBase) return;
    if (withRedis) redis = await startRedis();
    pair = await startReplicaPair(pgBase, { prefix: "yp_live", env: redis ? { REDIS_URL: redis.url } : {} });
    replicas.push(pair.a, pair.b);
    await runAdminCli(pair.env, ["create-user", "--email", "live@example.com", "--password", "live replicas password"]);
    token = ((await runAdminCli(pair.env, ["create-token", "--email", "live@example.com", "--name", "t"])) as { token: string }).token;
  }, 240_000);

  afterAll(async () => {
    await pair?.stop();
    await redis?.stop();
  });

  return { replicas, auth: () => ({ Authorization: `Bearer ${token}` }) };
}

async function createFolder(replica: Replica, auth: Record<string, string>, name: string) {
  const res = await fetch(`${replica.url}/api/trpc/drive.createFolder`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ json: { name } }),
  });
  expect(res.status).toBe(200);
}

async function changesWait(replica: Replica, auth: Record<string, string>, cursor: string): Promise<{ changes: boolean }> {
  const input = encodeURIComponent(JSON.stringify({ json: { cursor, timeoutS: WAIT_S } }));
  const res = await fetch(`${replica.url}/api/trpc/changes.wait?input=${input}`, { headers: auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { json: { changes: boolean } } } }).result.data.json;
}

for (const carrier of ["PostgreSQL LISTEN/NOTIFY", "Redis pub/sub"] as const) {
  describe.skipIf(!pgBase)(`two replicas, ${carrier}`, () => {
    const pair = replicaPair(carrier === "Redis pub/sub");

    test("a change through replica A reaches an SSE stream and a long poll on replica B", async () => {
      expect(WAIT_S * 1000).toBeLessThan(REREAD_MS);
      const [a, b] = pair.replicas as [Replica, Replica];
      const auth = pair.auth();
      const stream = await fetch(`${b.url}/api/events`, { headers: auth });
      expect(stream.status).toBe(200);
      // B's own change comes back to it through the carrier: B is subscribed before A acts.
      const warm = nextChange(stream, "warm");
      await createFolder(b, auth, "warm");
      const warmed = await warm;
      expect(warmed?.kind).toBe("folder.created");

      const fromA = nextChange(stream, "from A");
      const waiting = changesWait(b, auth, warmed!.id);
      // Let the long poll reach its wait before the change exists (else its first read finds it).
      await new Promise((r) => setTimeout(r, 500));
      await createFolder(a, auth, "from A");
      expect(await waiting).toEqual({ changes: true });
      const got = await fromA;
      expect(got?.kind).toBe("folder.created");
      expect(BigInt(got!.id)).toBeGreaterThan(BigInt(warmed!.id));
    }, 60_000);
  });
}
