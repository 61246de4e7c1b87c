import Redis from "ioredis";
import { logger } from "@/server/log/logger";
import { traceRedis } from "@/server/tracing/redis-spans";

/**
 * A Redis connection for one part of the server (`role`: "change bus", "upload locks"…).
 * ioredis emits `error` on every failed reconnect attempt, and with no listener Node prints
 * "[ioredis] Unhandled error event" and a stack each time, every 50 ms-2 s for as long as Redis is
 * away. Here an outage is one warning (the role and the error's code, never the URL, which may
 * carry a password) and one line when the connection is ready again; ioredis keeps reconnecting
 * and queued commands fail after `maxRetriesPerRequest` as before.
 */
export function openRedis(url: string, role: string, options: { maxRetriesPerRequest: number; traced?: boolean }): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: options.maxRetriesPerRequest });
  let down = false;
  client.on("error", (e: NodeJS.ErrnoException) => {
    if (down) return;
    down = true;
    logger.warn({ role, code: e.code ?? e.name }, `redis unreachable (${role}); reconnecting`);
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    logger.info({ role }, `redis reachable again (${role})`);
  });
  return options.traced === false ? client : traceRedis(client);
}
