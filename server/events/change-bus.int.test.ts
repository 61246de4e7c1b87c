import { afterAll, beforeAll, expect, test } from "vitest";
import { changeBusContract } from "@/server/events/change-bus.contract";
import { InProcessChangeBus, type ChangeBus } from "@/server/events/change-bus";
import { PgChangeBus } from "@/server/events/pg-change-bus";
import { RedisChangeBus } from "@/server/events/redis-change-bus";
import { REDIS_BINARY, startRedis } from "@/server/test/redis-server";

// In process: "another instance" is the same process's bus, as on PGlite.
const shared = new InProcessChangeBus();
changeBusContract("in process", async () => ({ ...bind(shared), close: async () => {} }));

function bind(bus: ChangeBus): ChangeBus {
  return {
    publish: (s) => bus.publish(s),
    subscribe: (l) => bus.subscribe(l),
    publishTopic: (t, p) => bus.publishTopic(t, p),
    subscribeTopic: (t, l) => bus.subscribeTopic(t, l),
    subscribeReconnect: (l) => bus.subscribeReconnect(l),
    ready: () => bus.ready(),
    close: () => bus.close(),
  };
}

// PostgreSQL LISTEN/NOTIFY: under scripts/with-postgres.mjs (TEST_POSTGRES_URL).
const pgUrl = process.env.TEST_POSTGRES_URL;
if (pgUrl) changeBusContract("PostgreSQL LISTEN/NOTIFY", async () => new PgChangeBus(pgUrl));

// Redis pub/sub: a throwaway redis-server (server/test/redis-server.ts).
if (REDIS_BINARY) {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  changeBusContract("Redis pub/sub", async () => new RedisChangeBus(redis.url));
}

// A dropped LISTEN connection comes back and says so: subscribers re-read what they may have missed.
if (pgUrl) {
  test("PostgreSQL: a reconnect of the LISTEN connection is announced, and topics flow again after it", async () => {
    const bus = new PgChangeBus(pgUrl);
    try {
      await bus.ready();
      const reconnected = new Promise<void>((resolve) => {
        const off = bus.subscribeReconnect(() => {
          off();
          resolve();
        });
      });
      await bus.dropListenerForTests();
      await reconnected;
      await bus.ready();
      const got = new Promise<string>((resolve) => {
        const off = bus.subscribeTopic("after.reconnect", (p) => {
          off();
          resolve(p);
        });
      });
      await bus.publishTopic("after.reconnect", "yes");
      expect(await got).toBe("yes");
    } finally {
      await bus.close();
    }
  }, 60_000);
}
