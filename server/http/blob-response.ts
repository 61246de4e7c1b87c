import type { IncomingMessage, ServerResponse } from "node:http";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { parseRange } from "@/server/http/range";
import { endOutput, writeChunk } from "@/server/http/write-chunk";
import type { BlobChunks } from "@/server/storage/blob-chunks";

export type ResponseHeaders = Record<string, string | number>;

/**
 * Answers GET/HEAD for a stored blob whose ETag is its sha256: 304 for a matching If-None-Match,
 * 416 for a range past the end, 206 for one range (If-Range honoured), else 200 with every byte.
 * `divert` may answer instead once the request is known to want bytes (a redirect to S3 or to
 * nginx); it returns true when it did. Every download path answers through here (files, versions,
 * WebDAV GET, share links); the bytes go through the store's reused buffers, chunk by chunk, each
 * after the previous one's write finished.
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
    const head = { ...all, "Content-Range": `bytes ${start}-${end}/${blob.size}`, "Content-Length": end - start + 1 };
    if (req.method === "HEAD") return void res.writeHead(206, head).end();
    // Opened before the status line, so a missing blob still gets a proper error answer.
    return await sendChunks(res, await getBlobStore().openChunks(blob.storageKey, range.range), 206, head);
  }
  const head = { ...all, "Content-Length": blob.size };
  if (req.method === "HEAD" || blob.size === 0) return void res.writeHead(200, head).end();
  await sendChunks(res, await getBlobStore().openChunks(blob.storageKey, { start: 0, end: blob.size - 1 }), 200, head);
}

async function sendChunks(res: ServerResponse, chunks: BlobChunks, status: number, headers: ResponseHeaders) {
  try {
    res.writeHead(status, headers);
  } catch (e) {
    await chunks.close();
    throw e;
  }
  await chunks.pipeTo((chunk) => writeChunk(res, chunk));
  await endOutput(res);
}
