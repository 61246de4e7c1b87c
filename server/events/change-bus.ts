import { getDatabase } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { LocalFanout } from "@/server/events/local-fanout";

/**
 * Wakes readers of the change log: "events up to seq N are committed". It carries no event data
 * and may drop or repeat a wake-up: the log is the truth, and a woken reader reads it from its
 * own cursor. One interface, three carriers (in process, PostgreSQL LISTEN/NOTIFY, Redis pub/sub),
 * one contract suite (change-bus.contract.ts).
 */
export interface ChangeBus {
  publish(seq: bigint): Promise<void>;
  /** Calls `listener` for every wake-up from any replica (this one included); returns unsubscribe. */
  subscribe(listener: (seq: bigint) => void): () => void;
  /** Resolves once wake-ups published from now on reach this process's subscribers. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** One process (PGlite, or a single server): publishing is calling the subscribers. */
export class InProcessChangeBus implements ChangeBus {
  private readonly fanout = new LocalFanout();
  async publish(seq: bigint) {
    this.fanout.deliver(seq);
  }
  subscribe(listener: (seq: bigint) => void) {
    return this.fanout.subscribe(listener);
  }
  async ready() {}
  async close() {}
}

/** The carrier is chosen once the database is open: Redis when configured, else PostgreSQL, else in process. */
class DeferredChangeBus implements ChangeBus {
  private readonly bus: Promise<ChangeBus>;
  constructor(make: () => Promise<ChangeBus>) {
    this.bus = make();
    this.bus.catch((e: Error) => console.error("change bus failed to start", e.message));
  }
  async publish(seq: bigint) {
    await (await this.bus).publish(seq);
  }
  subscribe(listener: (seq: bigint) => void) {
    let off: (() => void) | null = null;
    let cancelled = false;
    void this.bus.then((b) => {
      if (!cancelled) off = b.subscribe(listener);
    });
    return () => {
      cancelled = true;
      off?.();
    };
  }
  async ready() {
    await (await this.bus).ready();
  }
  async close() {
    await (await this.bus).close();
  }
}

async function createChangeBus(): Promise<ChangeBus> {
  const redisUrl = getEnv().redisUrl;
  if (redisUrl) {
    const { RedisChangeBus } = await import("@/server/events/redis-change-bus");
    return new RedisChangeBus(redisUrl);
  }
  const db = await getDatabase();
  if (db.mode === "postgres" && db.url) {
    const { PgChangeBus } = await import("@/server/events/pg-change-bus");
    return new PgChangeBus(db.url);
  }
  return new InProcessChangeBus();
}

// One bus per process on globalThis: Next's layers and the custom server's bundle share it.
const KEY = Symbol.for("yunpan.changeBus");
type G = typeof globalThis & { [KEY]?: ChangeBus };

export function getChangeBus(): ChangeBus {
  return ((globalThis as G)[KEY] ??= new DeferredChangeBus(createChangeBus));
}

/** Closes the process's bus (shutdown, tests); the next getChangeBus() makes a new one. */
export async function closeChangeBus(): Promise<void> {
  const g = globalThis as G;
  const bus = g[KEY];
  delete g[KEY];
  await bus?.close();
}
