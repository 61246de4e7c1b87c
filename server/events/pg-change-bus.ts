import pg from "pg";
import type { ChangeBus } from "@/server/events/change-bus";
import { CHANGE_CHANNEL, LocalFanout, TOPIC_CHANNEL, encodeTopicMessage, parseSeq, parseTopicMessage } from "@/server/events/local-fanout";

/**
 * Replicas on one PostgreSQL: NOTIFY through a short pool, LISTEN on one dedicated connection
 * per process, reconnected with backoff. A wake-up lost while reconnecting is covered by the
 * readers' own periodic re-read (see change-feed.service.ts), so nothing is missed for long.
 */
export class PgChangeBus implements ChangeBus {
  private readonly fanout = new LocalFanout();
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private connecting: Promise<void>;
  private closed = false;
  private retryMs = 250;
  private hadConnection = false;

  constructor(private readonly url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    // An idle connection the server ends (restart, a dropped database) must not crash the process.
    this.pool.on("error", () => {});
    this.connecting = this.connect();
  }

  private async connect(): Promise<void> {
    while (!this.closed) {
      const client = new pg.Client({ connectionString: this.url });
      try {
        client.on("error", () => {}); // 'end' below handles the reconnect
        await client.connect();
        client.on("notification", (m) => {
          if (m.channel === TOPIC_CHANNEL) {
            const t = parseTopicMessage(m.payload);
            if (t) this.fanout.deliverTopic(t.topic, t.payload);
            return;
          }
          const seq = m.channel === CHANGE_CHANNEL ? parseSeq(m.payload) : null;
          if (seq !== null) this.fanout.deliver(seq);
        });
        await client.query(`LISTEN ${CHANGE_CHANNEL}`);
        await client.query(`LISTEN ${TOPIC_CHANNEL}`);
        client.on("end", () => {
          if (this.listener === client) this.listener = null;
          if (!this.closed) this.connecting = this.connect();
        });
        this.listener = client;
        this.retryMs = 250;
        if (this.hadConnection) this.fanout.deliverReconnect();
        this.hadConnection = true;
        return;
      } catch {
        await client.end().catch(() => {});
        await new Promise((r) => setTimeout(r, this.retryMs));
        this.retryMs = Math.min(this.retryMs * 2, 5000);
      }
    }
  }

  async publish(seq: bigint) {
    await this.pool.query("SELECT pg_notify($1, $2)", [CHANGE_CHANNEL, seq.toString()]);
  }
  subscribe(listener: (seq: bigint) => void) {
    return this.fanout.subscribe(listener);
  }
  async publishTopic(topic: string, payload: string) {
    await this.pool.query("SELECT pg_notify($1, $2)", [TOPIC_CHANNEL, encodeTopicMessage(topic, payload)]);
  }
  subscribeTopic(topic: string, listener: (payload: string) => void) {
    return this.fanout.subscribeTopic(topic, listener);
  }
  subscribeReconnect(listener: () => void) {
    return this.fanout.subscribeReconnect(listener);
  }
  /** For tests: drops the LISTEN connection as a network failure would (the bus reconnects). */
  async dropListenerForTests() {
    await this.listener?.end();
  }
  async ready() {
    await this.connecting;
  }
  async close() {
    this.closed = true;
    await this.listener?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }
}
