import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { freePort } from "@/server/test/server-process";

export const REDIS_BINARY = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p));

/**
 * A throwaway redis-server on a free loopback port (or `port`, to bring one back where it was),
 * nothing persisted, with `password` when given; stop() kills it by PID.
 */
export async function startRedis(options: { port?: number; password?: string } = {}): Promise<{ url: string; port: number; stop(): Promise<void>; process: ChildProcess }> {
  if (!REDIS_BINARY) throw new Error("redis-server is not installed (apt-get install redis-server)");
  const port = options.port ?? (await freePort());
  const auth = options.password ? ["--requirepass", options.password] : [];
  const child = spawn(REDIS_BINARY, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", ...auth], {
    stdio: "ignore",
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, "127.0.0.1", () => (c.end(), resolve(true)));
      c.on("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: options.password ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
