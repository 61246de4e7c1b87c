import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { handleTrpcRequest } from "@/server/runtime/trpc-fetch-handler";
import { sendError } from "@/server/http/respond";

export const TRPC_PATH = "/api/trpc";

// What next.config.ts adds to Next's answers; tRPC answers from here carry the same.
const SECURITY_HEADERS = { "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "SAMEORIGIN" };

/**
 * /api/trpc on Node's own request rather than through Next: the body reaches the handler as a
 * stream pulled chunk by chunk (Node's backpressure holds the rest in the socket), so the size
 * limit in handleTrpcRequest stops reading at the limit, and a refused body's connection is
 * closed after the answer instead of being drained.
 */
export async function serveTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    const request = new Request(requestUrl(req), {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
      signal: abort.signal,
      // @ts-expect-error -- Node's fetch needs `duplex` for a stream body; lib.dom's RequestInit lacks it
      duplex: "half",
    });
    const response = await handleTrpcRequest(request);
    const out: Record<string, string> = { ...SECURITY_HEADERS };
    for (const [name, value] of response.headers) if (name !== "connection") out[name] = value;
    // The rest of a body nobody read is not drained: the connection ends with this answer.
    if ((hasBody && !req.complete) || response.headers.get("connection") === "close") out.connection = "close";
    res.writeHead(response.status, out);
    if (!response.body) {
      res.end();
      return;
    }
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
  } catch (e) {
    sendError(req, res, e);
  }
}

/** The URL as the client addressed it; tRPC reads only its path and query. */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  } catch {
    return new URL(req.url ?? "/", "http://localhost");
  }
}
