import { EventEmitter } from "node:events";

// The pieces every ChangeBus carrier shares; apart from change-bus.ts, which loads the PostgreSQL
// and Redis carriers lazily, so that they need not import it back.

export const CHANGE_CHANNEL = "yunpan_changes";
/** Small named messages between replicas (e.g. "settings"), all on one channel: "<topic> <payload>". */
export const TOPIC_CHANNEL = "yunpan_topics";

const TOPIC_RE = /^[a-z][a-z0-9._-]{0,63}$/;
/** Longest topic payload: PostgreSQL's NOTIFY takes under 8000 bytes; a topic says what to re-read, never the data. */
export const MAX_TOPIC_PAYLOAD = 1000;

export function encodeTopicMessage(topic: string, payload: string): string {
  if (!TOPIC_RE.test(topic)) throw new Error(`bad topic name: ${topic}`);
  if (payload.length > MAX_TOPIC_PAYLOAD) throw new Error(`topic payload over ${MAX_TOPIC_PAYLOAD} characters`);
  return `${topic} ${payload}`;
}

export function parseTopicMessage(message: string | undefined | null): { topic: string; payload: string } | null {
  if (!message) return null;
  const space = message.indexOf(" ");
  const topic = space < 0 ? message : message.slice(0, space);
  return TOPIC_RE.test(topic) ? { topic, payload: space < 0 ? "" : message.slice(space + 1) } : null;
}

/** Subscribers of one process; the carriers below feed it. Many SSE streams share one. */
export class LocalFanout {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private last = 0n;
  deliver(seq: bigint) {
    if (seq > this.last) this.last = seq;
    this.emitter.emit("seq", seq);
  }
  subscribe(listener: (seq: bigint) => void): () => void {
    this.emitter.on("seq", listener);
    return () => void this.emitter.off("seq", listener);
  }
  deliverTopic(topic: string, payload: string) {
    this.emitter.emit(`topic:${topic}`, payload);
  }
  subscribeTopic(topic: string, listener: (payload: string) => void): () => void {
    this.emitter.on(`topic:${topic}`, listener);
    return () => void this.emitter.off(`topic:${topic}`, listener);
  }
  /** The carrier's connection came back: messages sent meanwhile may be lost. */
  deliverReconnect() {
    this.emitter.emit("reconnect");
  }
  subscribeReconnect(listener: () => void): () => void {
    this.emitter.on("reconnect", listener);
    return () => void this.emitter.off("reconnect", listener);
  }
}

/** Parses a wake-up payload; anything else is ignored (a bus message is never trusted further). */
export function parseSeq(payload: string | undefined | null): bigint | null {
  return payload && /^\d{1,19}$/.test(payload) ? BigInt(payload) : null;
}
