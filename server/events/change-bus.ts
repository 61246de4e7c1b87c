import { getDatabase } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { LocalFanout, encodeTopicMessage, parseTopicMessage } from "@/server/events/local-fanout";

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
  /**
   * A small message on a named topic to every replica (this one included), e.g. "settings changed".
   * Like a wake-up it may be lost (a reconnect): a subscriber also re-reads on `subscribeReconnect`.
   */
  publishTopic(topic: string, payload: string): Promise<void>;
  subscribeTopic(topic: string, listener: (payload: string) => void): () => void;
  /** Called after the carrier reconnected: anything published meanwhile may have been missed. */
  subscribeReconnect(listener: () => void): () => void;
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
  async publishTopic(topic: string, payload: string) {
    const m = parseTopicMessage(encodeTopicMessage(topic, payload))!;
    this.fanout.deliverTopic(m.topic, m.payload);
  }
  subscribeTopic(topic: string, listener: (payload: string) => void) {
    return this.fanout.subscribeTopic(topic, listener);
  }
  subscribeReconnect(listener: () => void) {
    return this.fanout.subscribeReconnect(listener);
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
    return this.later((b) => b.subscribe(listener));
  }
  async publishTopic(topic: string, payload: string) {
    await (await this.bus).publishTopic(topic, payload);
  }
  subscribeTopic(topic: string, listener: (payload: string) => void) {
    return this.later((b) => b.subscribeTopic(topic, listener));
  }
  subscribeReconnect(listener: () => void) {
    return this.later((b) => b.subscribeReconnect(listener));
  }
  /** Subscribes once the carrier exists; the returned function also cancels a subscription not made yet. */
  private later(subscribe: (bus: ChangeBus) => () => void): () => void {
    let off: (() => void) | null = null;
    let cancelled = false;
    void this.bus.then((b) => {
      if (!cancelled) off = subscribe(b);
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
