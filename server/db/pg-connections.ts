// Every PostgreSQL connection Yunpan opens comes from here. A pg connection that PostgreSQL ends
// (restart, failover, pg_terminate_backend, DROP DATABASE … WITH (FORCE)) emits `error`; an
// EventEmitter `error` without a listener is thrown, and the process dies. So each pool and each
// client gets a listener from birth to its very end, whoever holds it at that moment.
import pg from "pg";
import { logger } from "@/server/log/logger";

/** How long `close()` waits for the server to hang up before it cuts the sockets itself. */
const CLOSE_WAIT_MS = 5_000;

function logLostConnection(err: Error & { code?: string }) {
  logger.warn({ code: err.code, message: err.message }, "database connection lost");
}

export interface PgPool {
  readonly pool: pg.Pool;
  /**
   * Ends the pool and resolves once every connection's socket is closed. (pg's own `end()`
   * resolves as soon as it has *asked* the connections to end, while their backends still exist.)
   */
  close(): Promise<void>;
}

/**
 * A pg Pool whose every connection always has an `error` listener. A broken connection is never
 * reused: pg-pool drops an idle one on its `error`, and one released while not queryable.
 */
export function openPgPool(config: pg.PoolConfig): PgPool {
  const pool = new pg.Pool(config);
  const open = new Set<pg.Client>();
  let onAllEnded: (() => void) | null = null;
  // pg-pool re-emits an idle connection's error here after removing it; the connection's own
  // listener (below) has logged it already.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    open.add(client);
    client.on("error", logLostConnection);
    client.once("end", () => {
      open.delete(client);
      if (open.size === 0) onAllEnded?.();
    });
  });
  return {
    pool,
    close: async () => {
      await pool.end();
      if (open.size === 0) return;
      const ended = new Promise<void>((resolve) => (onAllEnded = resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), CLOSE_WAIT_MS)));
      if (await Promise.race([ended.then(() => false), timedOut])) {
        // A server that does not hang up: cut the sockets (their errors have a listener).
        for (const client of open) (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      }
      clearTimeout(timer);
    },
  };
}

/** A single connection (admin tasks, tests, scripts) with its `error` listener attached before it connects. */
export async function connectPgClient(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  client.on("error", logLostConnection);
  await client.connect();
  return client;
}

/** Runs `fn` on a new single connection and always ends it. */
export async function withPgClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectPgClient(connectionString);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}
