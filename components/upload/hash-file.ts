"use client";
import { createSHA256 } from "hash-wasm";

/** sha256 of a whole file in a Web Worker, with progress; `signal` aborts (terminates the worker). */
export function hashFile(file: File, onProgress: (done: number) => void, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./hash.worker.ts", import.meta.url), { type: "module" });
    const stop = () => {
      worker.terminate();
      reject(new DOMException("Hashing cancelled", "AbortError"));
    };
    signal.addEventListener("abort", stop, { once: true });
    worker.onmessage = (e: MessageEvent<{ type: "progress"; done: number } | { type: "done"; sha256: string }>) => {
      if (e.data.type === "progress") return onProgress(e.data.done);
      signal.removeEventListener("abort", stop);
      worker.terminate();
      resolve(e.data.sha256);
    };
    worker.onerror = (e) => {
      signal.removeEventListener("abort", stop);
      worker.terminate();
      reject(new Error(e.message || "Could not read the file"));
    };
    worker.postMessage({ file });
  });
}

/** The answers to an instant-upload challenge: the sha256 of each requested byte range. */
export async function hashRanges(file: File, ranges: { start: number; end: number }[]): Promise<string[]> {
  const hasher = await createSHA256();
  const out: string[] = [];
  for (const r of ranges) {
    hasher.init();
    hasher.update(new Uint8Array(await file.slice(r.start, r.end + 1).arrayBuffer()));
    out.push(hasher.digest("hex"));
  }
  return out;
}
