"use client";
import { createSHA256 } from "hash-wasm";
import type { FileDigests } from "@/components/upload/file-digests";

/**
 * sha256 of a whole file in a Web Worker, with progress, and with a `partSize` each part's MD5 from
 * the same read (for a direct upload); `signal` aborts (terminates the worker).
 */
export function hashFile(file: File, partSize: number | null, onProgress: (done: number) => void, signal: AbortSignal): Promise<FileDigests> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./hash.worker.ts", import.meta.url), { type: "module" });
    const stop = () => {
      worker.terminate();
      reject(new DOMException("Hashing cancelled", "AbortError"));
    };
    signal.addEventListener("abort", stop, { once: true });
    worker.onmessage = (e: MessageEvent<{ type: "progress"; done: number } | { type: "done"; digests: FileDigests }>) => {
      if (e.data.type === "progress") return onProgress(e.data.done);
      signal.removeEventListener("abort", stop);
      worker.terminate();
      resolve(e.data.digests);
    };
    worker.onerror = (e) => {
      signal.removeEventListener("abort", stop);
      worker.terminate();
      reject(new Error(e.message || "Could not read the file"));
    };
    worker.postMessage({ file, partSize });
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
