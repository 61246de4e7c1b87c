import pino from "pino";

// One logger per process. Secrets never reach it: request logs carry method, path and status,
// never headers or bodies, and these paths are redacted wherever an object is logged.
const KEY = Symbol.for("yunpan.logger");
type G = typeof globalThis & { [KEY]?: pino.Logger };

export const logger: pino.Logger = ((globalThis as G)[KEY] ??= pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  redact: {
    paths: ["password", "*.password", "token", "*.token", "headers.authorization", "headers.cookie", "req.headers.authorization", "req.headers.cookie", "secret", "*.secret"],
    censor: "[redacted]",
  },
}));
