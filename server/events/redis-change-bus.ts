import type Redis from "ioredis";
import { openRedis } from "@/server/redis/redis-client";
import type { ChangeBus } from "@/server/events/change-bus";
import { CHANGE_CHANNEL, LocalFanout, TOPIC_CHANNEL, encodeTopicMessage, parseSeq, parseTopicMessage } from "@/server/events/local-fanout";

/** Replicas sharing a Redis (REDIS_URL): PUBLISH / SUBSCRIBE on one channel; ioredis resubscribes after a reconnect. */
export class RedisChangeBus implements ChangeBus {
  private readonly fanout = new LocalFanout();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly subscribed: Promise<unknown>;

  constructor(url: string) {
    this.publisher = openRedis(url, "change bus", { maxRetriesPerRequest: 3 });
    this.subscriber = openRedis(url, "change bus subscriber", { maxRetriesPerRequest: 3, traced: false });
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === TOPIC_CHANNEL) {
        const t = parseTopicMessage(message);
        if (t) this.fanout.deliverTopic(t.topic, t.payload);
        return;
      }
      const seq = channel === CHANGE_CHANNEL ? parseSeq(message) : null;
      if (seq !== null) this.fanout.deliver(seq);
    });
    // 'ready' fires on the first connection and after every reconnect (then resubscribed).
    let connectedBefore = false;
    this.subscriber.on("ready", () => {
      if (connectedBefore) this.fanout.deliverReconnect();
      connectedBefore = true;
    });
    this.subscribed = this.subscriber.subscribe(CHANGE_CHANNEL, TOPIC_CHANNEL);
    this.subscribed.catch((e: Error) => console.error("redis change bus subscribe failed", e.message));
  }

  async publish(seq: bigint) {
    await this.publisher.publish(CHANGE_CHANNEL, seq.toString());
  }
  subscribe(listener: (seq: bigint) => void) {
    return this.fanout.subscribe(listener);
  }
  async publishTopic(topic: string, payload: string) {
    await this.publisher.publish(TOPIC_CHANNEL, encodeTopicMessage(topic, payload));
  }
  subscribeTopic(topic: string, listener: (payload: string) => void) {
    return this.fanout.subscribeTopic(topic, listener);
  }
  subscribeReconnect(listener: () => void) {
    return this.fanout.subscribeReconnect(listener);
  }
  async ready() {
    await this.subscribed;
  }
  async close() {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
