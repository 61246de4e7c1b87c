import type { IncomingMessage, ServerResponse } from "node:http";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { parseRange, type RangeResult } from "@/server/http/range";
import { endOutput, endWithChunk, writeChunk } from "@/server/http/write-chunk";
import { CHUNK_BYTES, returnChunkBuffer, takeChunkBuffer } from "@/server/storage/chunk-buffers";
import type { BlobChunks } from "@/server/storage/blob-chunks";

export type ResponseHeaders = Record<string, string | number>;

/** Headers as writeHead's flat [name, value, …] list. */
type HeaderList = (string | number)[];

/** The headers send() sets itself; a caller's own of these names would be sent twice. */
const OWN_HEADERS = new Set(["ETag", "Accept-Ranges", "Content-Range", "Content-Length"]);

/**
 * The caller's headers, then the answer's own, as one flat list that writeHead takes as it is: a
 * spread of the caller's object into a new one made a new hidden class on every range (the
 * largest cost of the signed-range path's own code in issue 15's profile after Node's writeHead).
 */
function headerList(headers: ResponseHeaders, own: HeaderList): HeaderList {
  const list: HeaderList = [];
  for (const name in headers) if (!OWN_HEADERS.has(name)) list.push(name, headers[name]!);
  for (const item of own) list.push(item);
  return list;
}

/**
 * Told, before any header is written, how many bytes a GET is about to send (it may throw to
 * refuse); returns what to call with the bytes actually handed to the socket once the answer ends.
 */
export type ByteMeter = (bytes: number) => Promise<(sent: number) => Promise<void>>;

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
  meter?: ByteMeter,
) {
  const etag = `"${blob.sha256}"`;
  if (req.headers["if-none-match"]?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) {
    const cache = headers["Cache-Control"];
    res.writeHead(304, cache === undefined ? { ETag: etag } : { ETag: etag, "Cache-Control": cache });
    return void res.end();
  }
  const ifRange = req.headers["if-range"];
  // An empty blob has no byte to range over: a Range is ignored (RFC 9110 allows it) rather than
  // answered 416, which nginx's slice cache in front of signed URLs would pass on as the answer.
  const ignoreRange = blob.size === 0 || (ifRange && ifRange !== etag);
  const range = ignoreRange ? ({ kind: "full" } as const) : parseRange(req.headers.range, blob.size);
  if (range.kind === "unsatisfiable") {
    res.writeHead(416, { "Content-Range": `bytes */${blob.size}`, "Accept-Ranges": "bytes" });
    return void res.end();
  }
  const planned = range.kind === "partial" ? range.range.end - range.range.start + 1 : blob.size;
  const settle = meter && req.method === "GET" ? await meter(planned) : null;
  if (divert && (await divert())) return void (await settle?.(planned));
  if (!settle) return send(req, res, blob, headers, etag, range);
  let sent = 0;
  try {
    await send(req, res, blob, headers, etag, range, (n) => (sent += n));
  } finally {
    await settle(sent);
  }
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  blob: { storageKey: string; size: number },
  headers: ResponseHeaders,
  etag: string,
  range: Exclude<RangeResult, { kind: "unsatisfiable" }>,
  onBytes?: (n: number) => void,
) {
  if (range.kind === "partial") {
    const { start, end } = range.range;
    const head = headerList(headers, ["ETag", etag, "Accept-Ranges", "bytes", "Content-Range", `bytes ${start}-${end}/${blob.size}`, "Content-Length", end - start + 1]);
    if (req.method === "HEAD") return void res.writeHead(206, head).end();
    // Opened before the status line, so a missing blob still gets a proper error answer.
    return await sendChunks(res, await getBlobStore().openChunks(blob.storageKey, range.range), 206, head, end - start + 1, onBytes);
  }
  const head = headerList(headers, ["ETag", etag, "Accept-Ranges", "bytes", "Content-Length", blob.size]);
  if (req.method === "HEAD" || blob.size === 0) return void res.writeHead(200, head).end();
  await sendChunks(res, await getBlobStore().openChunks(blob.storageKey, { start: 0, end: blob.size - 1 }), 200, head, blob.size, onBytes);
}

/**
 * One chunk's worth (a player's or a CDN slice's range): one read into one buffer, then the status
 * line, headers and bytes in one write, ending the answer. The buffer goes back to the pool only
 * once that write finished; a client gone first leaves it to the GC.
 */
async function sendOneChunk(res: ServerResponse, readInto: (buf: Buffer) => Promise<number>, status: number, headers: HeaderList, onBytes?: (n: number) => void) {
  const buf = takeChunkBuffer();
  let n: number;
  try {
    n = await readInto(buf);
  } catch (e) {
    returnChunkBuffer(buf);
    throw e;
  }
  res.writeHead(status, headers);
  await endWithChunk(res, buf.subarray(0, n));
  returnChunkBuffer(buf);
  onBytes?.(n);
}

/** Writes the status line, then every chunk; `onBytes` hears each chunk once the socket took it. */
async function sendChunks(res: ServerResponse, chunks: BlobChunks, status: number, headers: HeaderList, length: number, onBytes?: (n: number) => void) {
  if (chunks.readInto && length <= CHUNK_BYTES) return sendOneChunk(res, chunks.readInto, status, headers, onBytes);
  try {
    res.writeHead(status, headers);
  } catch (e) {
    await chunks.close();
    throw e;
  }
  await chunks.pipeTo(async (chunk) => {
    await writeChunk(res, chunk);
    onBytes?.(chunk.length);
  });
  await endOutput(res);
}
