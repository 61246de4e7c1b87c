import { afterEach, expect, test, vi } from "vitest";
import { logger } from "@/server/log/logger";
import { openRedis } from "@/server/redis/redis-client";
import { REDIS_BINARY, startRedis } from "@/server/test/redis-server";

afterEach(() => vi.restoreAllMocks());

// Redis going away: one warning for the outage (no password in it), nothing printed by ioredis on
// each reconnect attempt, one line when it is back, and the same client works again.
test.skipIf(!REDIS_BINARY)("an outage is one warning without the URL's password, and the client works again when Redis is back", async () => {
  const password = "s3cret-redis-pass";
  let redis = await startRedis({ password });
  const client = openRedis(redis.url, "test role", { maxRetriesPerRequest: 1 });
  try {
    expect(await client.ping()).toBe("PONG");
    const warn = vi.spyOn(logger, "warn");
    const info = vi.spyOn(logger, "info");
    const printed = vi.spyOn(console, "error");
    let attempts = 0;
    client.on("reconnecting", () => attempts++);

    await redis.stop();
    await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 50 });
    expect(warn).toHaveBeenCalledTimes(1);
    const [fields, message] = warn.mock.calls[0] as unknown as [Record<string, unknown>, string];
    expect(fields).toMatchObject({ role: "test role", code: "ECONNREFUSED" });
    expect(message).toBe("redis unreachable (test role); reconnecting");
    expect(JSON.stringify(warn.mock.calls)).not.toContain(password);
    expect(printed).not.toHaveBeenCalled();
    await expect(client.ping()).rejects.toThrow();

    redis = await startRedis({ port: redis.port, password });
    await vi.waitFor(() => expect(info).toHaveBeenCalledWith({ role: "test role" }, "redis reachable again (test role)"), { timeout: 20_000, interval: 50 });
    expect(await client.ping()).toBe("PONG");
    expect(warn).toHaveBeenCalledTimes(1);
  } finally {
    client.disconnect();
    await redis.stop();
  }
}, 60_000);
