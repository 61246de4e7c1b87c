// Tells "the database is away right now" (restart, failover, network) apart from a bug, whatever
// layer the error comes through: pg itself, Prisma's pg driver adapter, or the Prisma client.
// Pure: no imports, so any transport may use it.

// PostgreSQL SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now (starting up or
// shutting down), too_many_connections, and class 08 (connection exceptions).
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
// Prisma: can't reach the server, timed out reaching it, the server closed the connection.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);
// The driver adapter's classification of a socket error (adapter-pg `mapSocketError`).
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// pg's own errors carry no code; these are its words for a connection that is gone.
const MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^Connection terminated due to connection timeout/,
  /^timeout exceeded when trying to connect/,
];

type ErrorLike = {
  code?: unknown;
  message?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
  errors?: unknown;
};

/** True when `e` (or what caused it) says the database cannot be reached or dropped the connection. */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 6) return false;
  const err = e as ErrorLike;
  if (typeof err.code === "string" && (SQLSTATES.has(err.code) || SOCKET_CODES.has(err.code) || PRISMA_CODES.has(err.code))) return true;
  if (typeof err.kind === "string") {
    if (ADAPTER_KINDS.has(err.kind)) return true;
    // A PostgreSQL error the adapter passed through: { kind: "postgres", code: "57P01", … }.
    if (err.kind === "postgres" && typeof err.code === "string" && SQLSTATES.has(err.code)) return true;
  }
  if (typeof err.message === "string" && MESSAGES.some((m) => m.test(err.message as string))) return true;
  if (Array.isArray(err.errors) && err.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(err.meta?.driverAdapterError, depth + 1) || isDatabaseUnavailable(err.cause, depth + 1);
}
