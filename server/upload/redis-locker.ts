import { randomBytes } from "node:crypto";
import type Redis from "ioredis";
import { openRedis } from "@/server/redis/redis-client";
import { ERRORS, type Lock, type Locker, type RequestRelease } from "@tus/utils";

const PREFIX = "yp:tus:lock:";
const RELEASE_CHANNEL = "yp:tus:release";

// Compare-and-delete / compare-and-extend: only the holder's token may release or refresh a lock.
const UNLOCK = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * tus upload locks in Redis, so that several app replicas never write one upload at once.
 * A lock is a key with a random token and a TTL, refreshed while held (a crashed replica's lock
 * lapses after `ttlMs`). A request that wants a held lock asks its holder, on whichever replica,
 * to let go (pub/sub): tus then ends the holder's stale request, as its in-memory locker does.
 */
export class RedisLocker implements Locker {
  readonly redis: Redis;
  private readonly subscriber: Redis;
  /** Locks this process holds: upload id → how to ask its request to stop. */
  readonly held = new Map<string, RequestRelease>();

  constructor(url: string, readonly options: { ttlMs?: number; acquireTimeoutMs?: number } = {}) {
    this.redis = openRedis(url, "upload locks", { maxRetriesPerRequest: 3 });
    this.subscriber = openRedis(url, "upload lock releases", { maxRetriesPerRequest: 3, traced: false });
    void this.subscriber.subscribe(RELEASE_CHANNEL);
    this.subscriber.on("message", (_channel: string, id: string) => void this.held.get(id)?.());
  }

  newLock(id: string): Lock {
    return new RedisLock(id, this, this.options.ttlMs ?? 30_000, this.options.acquireTimeoutMs ?? 30_000);
  }

  async close() {
    await Promise.all([this.redis.quit(), this.subscriber.quit()]);
  }
}

class RedisLock implements Lock {
  private token = randomBytes(16).toString("hex");
  private refresh?: NodeJS.Timeout;

  constructor(
    private readonly id: string,
    private readonly locker: RedisLocker,
    private readonly ttlMs: number,
    private readonly timeoutMs: number,
  ) {}

  private get key() {
    return PREFIX + this.id;
  }

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    let asked = false;
    for (;;) {
      if (await this.locker.redis.set(this.key, this.token, "PX", this.ttlMs, "NX")) break;
      if (!asked) {
        asked = true;
        await this.locker.redis.publish(RELEASE_CHANNEL, this.id);
      }
      if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await new Promise((r) => setTimeout(r, 50));
    }
    this.locker.held.set(this.id, requestRelease);
    this.refresh = setInterval(() => {
      void this.locker.redis.eval(EXTEND, 1, this.key, this.token, String(this.ttlMs)).catch(() => {});
    }, Math.floor(this.ttlMs / 3));
    this.refresh.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.refresh);
    this.locker.held.delete(this.id);
    await this.locker.redis.eval(UNLOCK, 1, this.key, this.token);
  }
}
