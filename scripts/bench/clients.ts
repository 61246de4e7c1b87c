// The bench's HTTP clients: a tus uploader (POST, then one PATCH or fixed-size PATCHes streamed
// from the file with 1 MiB reads), whole-file downloads with curl, and a keep-alive client for
// random 1 MiB ranges. All of them check what came back.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import http from "node:http";
import { pipeline } from "node:stream/promises";

export const MiB = 1024 * 1024;

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request; `body` is a file range streamed with 1 MiB reads, or a buffer. */
export function request(
  url: string,
  options: { method: string; headers?: Record<string, string | number>; file?: { path: string; start: number; length: number }; body?: Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.headers ?? {}) };
    if (options.file) headers["Content-Length"] = options.file.length;
    else if (options.body) headers["Content-Length"] = options.body.length;
    const req = http.request(url, { method: options.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.file) {
      const { path, start, length } = options.file;
      if (length === 0) return void req.end();
      pipeline(createReadStream(path, { start, end: start + length - 1, highWaterMark: MiB }), req).catch(reject);
    } else {
      req.end(options.body);
    }
  });
}

function b64(s: string) {
  return Buffer.from(s).toString("base64");
}

export interface TusResult {
  /** The upload URL (absolute). */
  location: string;
  /** Yunpan's Upload-Node-Id from the last PATCH, if any. */
  nodeId: string | null;
}

/**
 * A whole tus upload: POST creates it, then PATCHes of `chunk` bytes (the file size for a single
 * PATCH). Fails on any unexpected status or offset.
 */
export async function tusUpload(options: {
  endpoint: string;
  file: string;
  size: number;
  chunk: number;
  filename: string;
  headers?: Record<string, string>;
  metadata?: Record<string, string>;
}): Promise<TusResult> {
  const auth = options.headers ?? {};
  const meta = { filename: options.filename, filetype: "application/octet-stream", ...(options.metadata ?? {}) };
  const created = await request(options.endpoint, {
    method: "POST",
    headers: {
      ...auth,
      "Tus-Resumable": "1.0.0",
      "Upload-Length": options.size,
      "Upload-Metadata": Object.entries(meta)
        .map(([k, v]) => `${k} ${b64(v)}`)
        .join(","),
    },
  });
  if (created.status !== 201 || !created.headers.location) {
    throw new Error(`tus POST ${options.endpoint}: ${created.status} ${created.body.toString().slice(0, 300)}`);
  }
  const location = new URL(created.headers.location, options.endpoint).href;
  let offset = 0;
  let nodeId: string | null = null;
  while (offset < options.size) {
    const length = Math.min(options.chunk, options.size - offset);
    const r = await request(location, {
      method: "PATCH",
      headers: { ...auth, "Tus-Resumable": "1.0.0", "Upload-Offset": offset, "Content-Type": "application/offset+octet-stream" },
      file: { path: options.file, start: offset, length },
    });
    if (r.status !== 204 || Number(r.headers["upload-offset"]) !== offset + length) {
      throw new Error(`tus PATCH at ${offset}: ${r.status} offset ${String(r.headers["upload-offset"])} ${r.body.toString().slice(0, 300)}`);
    }
    offset += length;
    nodeId = (r.headers["upload-node-id"] as string | undefined) ?? nodeId;
  }
  return { location, nodeId };
}

/** Whole-file GET with curl into /dev/null; returns curl's own total time. */
export function curlDownload(url: string, expectedBytes: number, headers: Record<string, string> = {}): Promise<number> {
  const args = ["-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}"];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile("curl", args, (err, stdout) => {
      if (err) return reject(err);
      const [status, size, time] = stdout.trim().split(" ");
      if (status !== "200" || Number(size) !== expectedBytes) return reject(new Error(`curl ${url}: status ${status}, ${size} of ${expectedBytes} bytes`));
      resolve(Number(time));
    });
  });
}

/** sha256 of a GET's body (untimed verification). */
export function sha256OfGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent }, (res) => {
        const hash = createHash("sha256");
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          hash.update(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, sha256: hash.digest("hex"), bytes }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/** Deterministic offsets (mulberry32), so every variant fetches the same ranges. */
export function seededOffsets(seed: number, count: number, size: number, length: number): number[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Math.floor(next() * (size - length + 1)));
}

/**
 * Fetches `length` bytes at each offset with `concurrency` keep-alive connections; every answer
 * must be a 206 of exactly `length` bytes. With `source`, the bytes are compared too.
 */
export async function fetchRanges(options: {
  url: string;
  offsets: number[];
  length: number;
  concurrency: number;
  headers?: Record<string, string>;
  source?: Buffer | ((start: number, length: number) => Buffer);
}): Promise<void> {
  const rangeAgent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  let next = 0;
  const worker = async () => {
    while (next < options.offsets.length) {
      const start = options.offsets[next++]!;
      const end = start + options.length - 1;
      await new Promise<void>((resolve, reject) => {
        http
          .get(options.url, { agent: rangeAgent, headers: { ...(options.headers ?? {}), Range: `bytes=${start}-${end}` } }, (res) => {
            const chunks: Buffer[] | null = options.source ? [] : null;
            let bytes = 0;
            res.on("data", (c: Buffer) => {
              bytes += c.length;
              chunks?.push(c);
            });
            res.on("end", () => {
              if (res.statusCode !== 206 || bytes !== options.length) {
                return reject(new Error(`range ${start}-${end} of ${options.url}: status ${res.statusCode}, ${bytes} bytes`));
              }
              if (chunks && options.source) {
                const want = typeof options.source === "function" ? options.source(start, options.length) : options.source.subarray(start, end + 1);
                if (!Buffer.concat(chunks).equals(want)) return reject(new Error(`range ${start}-${end} of ${options.url}: wrong bytes`));
              }
              resolve();
            });
            res.on("error", reject);
          })
          .on("error", reject);
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    rangeAgent.destroy();
  }
}
