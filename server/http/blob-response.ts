import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { parseRange } from "@/server/http/range";

export type ResponseHeaders = Record<string, string | number>;

/**
 * Answers GET/HEAD for a stored blob whose ETag is its sha256: 304 for a matching If-None-Match,
 * 416 for a range past the end, 206 for one range (If-Range honoured), else 200 with every byte.
 * `divert` may answer instead once the request is known to want bytes (a redirect to S3 or to
 * nginx); it returns true when it did.
 */
export async function sendBlob(
  req: IncomingMessage,
  res: ServerResponse,
  blob: { storageKey: string; size: number; sha256: string },
  headers: ResponseHeaders,
  divert?: () => Promise<boolean>,
) {
  const etag = `"${blob.sha256}"`;
  if (req.headers["if-none-match"]?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) {
    const cache = headers["Cache-Control"];
    res.writeHead(304, cache === undefined ? { ETag: etag } : { ETag: etag, "Cache-Control": cache });
    return void res.end();
  }
  const ifRange = req.headers["if-range"];
  const range = ifRange && ifRange !== etag ? ({ kind: "full" } as const) : parseRange(req.headers.range, blob.size);
  if (range.kind === "unsatisfiable") {
    res.writeHead(416, { "Content-Range": `bytes */${blob.size}`, "Accept-Ranges": "bytes" });
    return void res.end();
  }
  if (divert && (await divert())) return;
  const all = { ...headers, ETag: etag, "Accept-Ranges": "bytes" };
  if (range.kind === "partial") {
    const { start, end } = range.range;
    res.writeHead(206, { ...all, "Content-Range": `bytes ${start}-${end}/${blob.size}`, "Content-Length": end - start + 1 });
    if (req.method === "HEAD") return void res.end();
    return await pipeline(await getBlobStore().read(blob.storageKey, range.range), res);
  }
  res.writeHead(200, { ...all, "Content-Length": blob.size });
  if (req.method === "HEAD" || blob.size === 0) return void res.end();
  await pipeline(await getBlobStore().read(blob.storageKey), res);
}
