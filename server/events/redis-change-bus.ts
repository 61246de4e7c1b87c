import Redis from "ioredis";
import { traceRedis } from "@/server/tracing/redis-spans";
import type { ChangeBus } from "@/server/events/change-bus";
import { CHANGE_CHANNEL, LocalFanout, parseSeq } from "@/server/events/local-fanout";

/** Replicas sharing a Redis (REDIS_URL): PUBLISH / SUBSCRIBE on one channel; ioredis resubscribes after a reconnect. */
export class RedisChangeBus implements ChangeBus {
  private readonly fanout = new LocalFanout();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly subscribed: Promise<unknown>;

  constructor(url: string) {
    this.publisher = traceRedis(new Redis(url, { maxRetriesPerRequest: 3 }));
    this.subscriber = new Redis(url, { maxRetriesPerRequest: 3 });
    this.subscriber.on("message", (channel: string, message: string) => {
      const seq = channel === CHANGE_CHANNEL ? parseSeq(message) : null;
      if (seq !== null) this.fanout.deliver(seq);
    });
    this.subscribed = this.subscriber.subscribe(CHANGE_CHANNEL);
    this.subscribed.catch((e: Error) => console.error("redis change bus subscribe failed", e.message));
  }

  async publish(seq: bigint) {
    await this.publisher.publish(CHANGE_CHANNEL, seq.toString());
  }
  subscribe(listener: (seq: bigint) => void) {
    return this.fanout.subscribe(listener);
  }
  async ready() {
    await this.subscribed;
  }
  async close() {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
