import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { UnreadableReason } from "@/server/search/extract-core";
import type { TextFormat } from "@/server/search/text-formats";

export interface ExtractRequest {
  id: number;
  format: TextFormat;
  bytes: Uint8Array;
  maxBytes: number;
}
export type ExtractResponse =
  // text and latin (splitForIndex's) as UTF-8, transferred: the main thread hands the bytes to
  // PostgreSQL as they are and never holds them as strings (cloning ~160 KiB of strings per file
  // and collecting them cost it more than the statement); words: jieba's longer words joined by
  // spaces; bigrams and bigramHashes: the bigram columns as int4[] and int2[] literals (tokenize.ts bigramColumns).
  | { id: number; ok: true; text: Uint8Array; latin: Uint8Array; words: string; bigrams: string; bigramHashes: string }
  | { id: number; ok: false; reason: UnreadableReason; detail?: string };
export type ExtractResult = ExtractResponse extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

/** A file whose extraction takes longer is given up (the thread is terminated). */
export const EXTRACT_TIME_LIMIT_MS = 30_000;
/** The extraction thread's V8 heap: a file that needs more is recorded unreadable. */
export const EXTRACT_HEAP_MB = 256;

/**
 * Where the worker's code is. The production build bundles it as dist/extract-worker.mjs beside
 * dist/server.mjs (scripts/build.mjs); from sources (tests, dev) it is the .ts file, run through
 * tsx. Next's bundles of server code never extract (only the queue in the custom server does).
 */
function workerEntry(): { code: string | URL; eval: boolean } {
  const here = import.meta.url;
  // Paths are joined rather than written as new URL("./x", import.meta.url), which bundlers
  // (Turbopack) would take for an asset to copy into the public build.
  const dir = here.startsWith("file:") ? path.dirname(fileURLToPath(here)) : process.cwd();
  const name = "extract-worker";
  if (here.endsWith(".ts")) {
    // A worker does not inherit the parent's module hooks: it registers tsx itself, then loads the source.
    const source = pathToFileURL(path.join(dir, `${name}.ts`)).href;
    return { code: `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(source)}); });`, eval: true };
  }
  const beside = path.join(dir, `${name}.mjs`);
  if (existsSync(beside)) return { code: pathToFileURL(beside), eval: false };
  return { code: pathToFileURL(path.join(process.cwd(), "dist", `${name}.mjs`)), eval: false };
}

interface Pending {
  resolve(r: ExtractResult): void;
  timer: NodeJS.Timeout;
}

/**
 * One extraction thread, reused from file to file (starting one costs more than most files), and
 * replaced after a timeout or a crash. Extractions are taken one at a time, in order.
 */
class Extractor {
  private worker: Worker | null = null;
  private next = 1;
  private pending = new Map<number, Pending>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly limits: { timeMs: number; heapMb: number }) {}

  private spawn(): Worker {
    const entry = workerEntry();
    const worker = new Worker(entry.code, { eval: entry.eval, resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb, maxYoungGenerationSizeMb: 32 } });
    worker.unref();
    worker.on("message", (res: ExtractResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      clearTimeout(p.timer);
      const { id: _id, ...rest } = res;
      p.resolve(rest as ExtractResult);
    });
    const fail = (reason: UnreadableReason, detail: string) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.resolve({ ok: false, reason, detail });
        this.pending.delete(id);
      }
    };
    worker.on("error", (e: Error & { code?: string }) =>
      fail(e.code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "malformed", e.code === "ERR_WORKER_OUT_OF_MEMORY" ? `needed more than ${this.limits.heapMb} MB` : e.message.slice(0, 300)),
    );
    worker.on("exit", (code) => fail("malformed", `the extraction thread stopped (${code})`));
    return worker;
  }

  extract(format: TextFormat, bytes: Uint8Array, maxBytes: number): Promise<ExtractResult> {
    const run = () =>
      new Promise<ExtractResult>((resolve) => {
        const worker = (this.worker ??= this.spawn());
        const id = this.next++;
        const timer = setTimeout(() => {
          this.pending.delete(id);
          if (this.worker === worker) this.worker = null;
          void worker.terminate();
          resolve({ ok: false, reason: "timeout", detail: `took longer than ${Math.round(this.limits.timeMs / 1000)} s` });
        }, this.limits.timeMs);
        this.pending.set(id, { resolve, timer });
        worker.postMessage({ id, format, bytes, maxBytes } satisfies ExtractRequest, [bytes.buffer as ArrayBuffer]);
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/**
 * Extraction threads that may run side by side. A second one starts only while the first is busy
 * (a backfill batch): one file at a time (an upload's job) never costs a second thread.
 */
export const EXTRACT_THREADS = Math.max(1, Math.min(2, availableParallelism()));

/** The threads, each file handed to the least busy one. */
class ExtractorPool {
  /** busy: files given and not answered; since: when it last became busy; busyMs: time with a file, before `since`. */
  readonly threads: { extractor: Extractor; busy: number; since: number; busyMs: number }[] = [];

  extract(format: TextFormat, bytes: Uint8Array, maxBytes: number): Promise<ExtractResult> {
    let slot = this.threads.find((t) => t.busy === 0);
    if (!slot && this.threads.length < EXTRACT_THREADS) {
      slot = { extractor: new Extractor({ timeMs: EXTRACT_TIME_LIMIT_MS, heapMb: EXTRACT_HEAP_MB }), busy: 0, since: 0, busyMs: 0 };
      this.threads.push(slot);
    }
    slot ??= this.threads.reduce((a, b) => (b.busy < a.busy ? b : a));
    const s = slot;
    if (s.busy++ === 0) s.since = performance.now();
    return s.extractor.extract(format, bytes, maxBytes).finally(() => {
      if (--s.busy === 0) s.busyMs += performance.now() - s.since;
    });
  }
}

const KEY = Symbol.for("yunpan.search.extractor-pool");
type G = typeof globalThis & { [KEY]?: ExtractorPool };

/** Per extraction thread, the milliseconds it has had a file to work on (the bench's utilisation figure). */
export function extractionBusyMs(): number[] {
  const pool = (globalThis as G)[KEY];
  const now = performance.now();
  return pool ? pool.threads.map((t) => t.busyMs + (t.busy ? now - t.since : 0)) : [];
}

/** Extracts the text of one file in the extraction thread (and tokenises it there). */
export function extractInWorker(format: TextFormat, bytes: Uint8Array, maxBytes: number, limits?: { timeMs?: number; heapMb?: number }): Promise<ExtractResult> {
  if (limits) {
    // A one-off thread with other limits (tests of the limits themselves).
    const one = new Extractor({ timeMs: limits.timeMs ?? EXTRACT_TIME_LIMIT_MS, heapMb: limits.heapMb ?? EXTRACT_HEAP_MB });
    return one.extract(format, bytes, maxBytes).finally(() => one.close());
  }
  const g = globalThis as G;
  return (g[KEY] ??= new ExtractorPool()).extract(format, bytes, maxBytes);
}
