// The browser's side of a direct upload to S3 (server/upload/direct-upload.service.ts), free of
// React and of the transport, so a Node test drives the same code against a real bucket: the
// server API and the part PUT are passed in.
import { createMD5, type IHasher } from "hash-wasm";
import { base64Digest, type FileDigests } from "./file-digests";

export interface DirectPlan {
  uploadId: string;
  size: number;
  partSize: number;
  partCount: number;
}

/** The server procedures a direct upload uses (the tRPC client's `upload.direct*`, or a test caller). */
export interface DirectUploadApi {
  start(input: { filename: string; size: number; sha256: string; parentId?: string | null; filetype?: string | null }): Promise<DirectPlan>;
  partUrls(input: { uploadId: string; parts: { partNumber: number; md5: string }[] }): Promise<{ urls: { partNumber: number; url: string }[] }>;
  parts(input: { uploadId: string }): Promise<DirectPlan & { parts: { partNumber: number; size: number }[] }>;
  complete(input: { uploadId: string; onConflict?: "version" | "rename" | null }): Promise<unknown>;
}

/**
 * PUTs one part to its presigned URL with its Content-MD5, reporting bytes sent; resolves with the
 * HTTP status, or 0 when no answer came (network failure, or a CORS refusal the page cannot see).
 * The part is the file's slice (the browser's XHR streams it from the file, with upload progress)
 * and its offset in the file; `bytes` are there only when the client had to read the part to digest
 * it (no MD5s from the hash pass), so a JS client sends them instead of reading the part again.
 */
export type PutPart = (
  url: string,
  part: { blob: Blob; offset: number; bytes?: Uint8Array<ArrayBuffer> },
  md5: string,
  onProgress: (sent: number) => void,
  signal: AbortSignal,
) => Promise<number>;

/** The bucket could not be reached from here (CORS, network): the caller uploads through tus instead. */
export class DirectUnreachableError extends Error {
  constructor() {
    super("The storage bucket cannot be reached from this browser");
  }
}

/** Parts in flight at once, as the issue measured browsers handle well. */
export const PARALLEL_PARTS = 6;
// URLs signed per request. With the parts' MD5s from the hash pass (file-digests.ts) signing reads
// nothing, so a request signs several rounds of parts (fewer round trips and less server work per
// upload); a URL that expires before its part is sent (15 minutes) is signed again. Without them,
// each part is read and MD5'd just before its batch is signed, one round at a time, so the file is
// never held in memory beyond the parts in flight and the batch signed ahead (2 × PARALLEL_PARTS).
const URL_BATCH_KNOWN = 8 * PARALLEL_PARTS;
const URL_BATCH_READ = PARALLEL_PARTS;
// A part refused for its digest (bytes corrupted on the way) or a lost connection is sent again.
const PART_ATTEMPTS = 4;

export interface DirectUploadOptions {
  file: Blob;
  filename: string;
  parentId?: string | null;
  filetype?: string | null;
  sha256: string;
  /** The hash pass's part MD5s (hashFile with the plan's part size): used when the part size matches. */
  digests?: FileDigests | null;
  onConflict?: "version" | "rename" | null;
  api: DirectUploadApi;
  putPart: PutPart;
  /** An unfinished upload of this file to continue (from a reload or another device), if any. */
  resumeId?: string | null;
  /** Called once the upload exists, so a reload can find it. */
  onStarted?: (uploadId: string) => void;
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

// One WebAssembly MD5 instance per page (WebCrypto has no MD5): init, update and digest run in one
// synchronous stretch, so parts digested by concurrent batches cannot interleave in it.
let md5Hasher: Promise<IHasher> | null = null;

async function md5Base64(bytes: Uint8Array): Promise<string> {
  md5Hasher ??= createMD5();
  const hasher = await md5Hasher;
  hasher.init();
  hasher.update(bytes);
  return base64Digest(hasher.digest("binary"));
}

async function openPlan(o: DirectUploadOptions): Promise<{ plan: DirectPlan; done: Set<number> }> {
  if (o.resumeId) {
    // A session that ended or belongs to another file starts over.
    const held = await o.api.parts({ uploadId: o.resumeId }).catch(() => null);
    if (held && held.size === o.file.size) return { plan: held, done: new Set(held.parts.map((p) => p.partNumber)) };
  }
  const plan = await o.api.start({ filename: o.filename, size: o.file.size, sha256: o.sha256, parentId: o.parentId, filetype: o.filetype });
  return { plan, done: new Set() };
}

/**
 * Uploads `file` straight to the bucket: PARALLEL_PARTS parts at a time, each with its MD5 (S3
 * refuses a corrupted part; it is sent again), resuming from the parts S3 already holds, then asks
 * the server to complete. Throws DirectUnreachableError when no part could reach the bucket at all.
 */
export async function runDirectUpload(o: DirectUploadOptions): Promise<unknown> {
  const signal = o.signal ?? new AbortController().signal;
  const { plan, done } = await openPlan(o);
  o.onStarted?.(plan.uploadId);
  const lengthOf = (n: number) => Math.min(plan.partSize, plan.size - (n - 1) * plan.partSize);
  const inFlight = new Map<number, number>();
  let finishedBytes = [...done].reduce((sum, n) => sum + lengthOf(n), 0);
  let reachedBucket = done.size > 0;
  const report = () => o.onProgress?.(finishedBytes + [...inFlight.values()].reduce((a, b) => a + b, 0), plan.size);
  report();

  const queue = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !done.has(n));
  const partOf = (n: number) => o.file.slice((n - 1) * plan.partSize, (n - 1) * plan.partSize + lengthOf(n));
  type Signed = { url: string; md5: string };
  // The hash pass's MD5s, when they were computed for this plan's parts (a resumed upload keeps the
  // part size it started with, which differs when the server's setting changed since).
  const known = o.digests?.partSize === plan.partSize && o.digests.partMd5s.length === plan.partCount ? o.digests.partMd5s : null;
  const urlBatch = known ? URL_BATCH_KNOWN : URL_BATCH_READ;
  // One promise per part, shared by every worker that needs it: a part is digested and signed once
  // (a retry asks for a fresh URL but keeps the part and its digest until the part is stored).
  const signed = new Map<number, Promise<Signed>>();
  const digested = new Map<number, { md5: string; blob: Blob; bytes?: Uint8Array<ArrayBuffer> }>();

  async function signBatch(batch: number[]): Promise<Map<number, Signed>> {
    for (const m of batch) {
      if (digested.has(m)) continue;
      const blob = partOf(m);
      if (known) {
        digested.set(m, { md5: known[m - 1]!, blob });
        continue;
      }
      const bytes = new Uint8Array(await blob.arrayBuffer());
      digested.set(m, { md5: await md5Base64(bytes), blob, bytes });
    }
    const { urls } = await o.api.partUrls({ uploadId: plan.uploadId, parts: batch.map((m) => ({ partNumber: m, md5: digested.get(m)!.md5 })) });
    return new Map(urls.map((u) => [u.partNumber, { url: u.url, md5: digested.get(u.partNumber)!.md5 }]));
  }

  function urlFor(n: number, fresh = false): Promise<Signed> {
    if (!fresh && signed.has(n)) return signed.get(n)!;
    // This part first, then the next parts in line that nobody has asked to sign yet.
    const batch = fresh ? [n] : [n, ...queue.filter((m) => m !== n && !signed.has(m)).slice(0, urlBatch - 1)];
    const pending = signBatch(batch);
    for (const m of batch) {
      const one = pending.then((got) => {
        const s = got.get(m);
        if (!s) throw new Error(`Part ${m} was not signed`);
        return s;
      });
      // Parts other than `n` may fail before anyone awaits them; their worker sees the error then.
      one.catch(() => {});
      signed.set(m, one);
    }
    return signed.get(n)!;
  }

  async function sendPart(n: number) {
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new DOMException("Upload paused", "AbortError");
      // 403: the URL expired (or the clock moved); a fresh one is signed.
      const { url, md5 } = await urlFor(n, attempt > 1);
      const { blob, bytes } = digested.get(n)!;
      const offset = (n - 1) * plan.partSize;
      // The next batch is digested and signed while this part is on the wire.
      const ahead = queue.slice(0, PARALLEL_PARTS).find((m) => !signed.has(m));
      if (ahead !== undefined) urlFor(ahead).catch(() => {});
      const status = await o.putPart(url, { blob, offset, bytes }, md5, (sent) => {
        inFlight.set(n, sent);
        report();
      }, signal);
      inFlight.delete(n);
      if (status >= 200 && status < 300) {
        digested.delete(n); // stored: its bytes are let go
        reachedBucket = true;
        finishedBytes += lengthOf(n);
        report();
        return;
      }
      if (signal.aborted) throw new DOMException("Upload paused", "AbortError");
      if (status === 0 && !reachedBucket) throw new DirectUnreachableError();
      if (attempt >= PART_ATTEMPTS) throw new Error(`Part ${n} could not be stored (HTTP ${status})`);
    }
  }

  let failed = false;
  const workers = Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, async () => {
    try {
      // Once one part has failed for good the others stop taking parts.
      for (let n = queue.shift(); n !== undefined && !failed; n = queue.shift()) await sendPart(n);
    } catch (e) {
      failed = true;
      throw e;
    }
  });
  await Promise.all(workers);
  return o.api.complete({ uploadId: plan.uploadId, onConflict: o.onConflict });
}

/** The browser's PutPart: XMLHttpRequest, for upload progress (fetch has none). */
export const xhrPutPart: PutPart = (url, { blob }, md5, onProgress, signal) =>
  new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("Content-MD5", md5);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => resolve(0);
    xhr.onabort = () => resolve(0);
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
