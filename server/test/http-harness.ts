// The custom server's byte paths (tus uploads, downloads, health) on a bare Node server, without
// Next: what server/runtime/main.ts serves before handing a request to Next.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import { createApiToken } from "@/server/auth/api-token.service";
import { getPrisma } from "@/server/db/client";
import { handleByteRoute } from "@/server/runtime/byte-routes";
import type { Actor } from "@/server/auth/actor";

export const TEST_NEXTAUTH_SECRET = "yunpan-integration-test-secret-0123456789abcdef";

export interface HttpHarness {
  /** e.g. http://127.0.0.1:40123 (no trailing slash) */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 with a free port; everything that is not a byte route is 404.
 * `onRequest` sees every request that reached the app (e.g. to count what a cache let through).
 */
export async function startHttpHarness(opts: { onRequest?: (req: http.IncomingMessage) => void } = {}): Promise<HttpHarness> {
  process.env.NEXTAUTH_SECRET = TEST_NEXTAUTH_SECRET;
  const server = http.createServer((req, res) => {
    opts.onRequest?.(req);
    req.headers["x-yunpan-client-ip"] = req.socket.remoteAddress ?? "";
    if (handleByteRoute(req, res)) return;
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A personal API token for the actor, and the headers that authenticate with it. */
export async function createTestToken(actor: Actor, name = "integration test") {
  const { token, apiToken } = await createApiToken({ actor, name });
  return { token, apiToken, headers: { Authorization: `Bearer ${token}` } as Record<string, string> };
}

/** The cookie a browser holds after signing in as this user (next-auth's own encoding). */
export async function createTestSessionCookie(userId: string) {
  const user = await (await getPrisma()).user.findUniqueOrThrow({ where: { id: userId } });
  const jwt = await encode({ token: { uid: user.id, sv: user.sessionVersion }, secret: TEST_NEXTAUTH_SECRET });
  return `next-auth.session-token=${jwt}`;
}
