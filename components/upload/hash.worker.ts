/// <reference lib="webworker" />
// Hashes a File off the main thread in 8 MiB slices, so a multi-GiB file never freezes the page
// or sits in memory whole. hash-wasm: WebCrypto has no streaming digest.
import { createSHA256 } from "hash-wasm";

const SLICE = 8 * 1024 * 1024;

self.onmessage = async (e: MessageEvent<{ file: File }>) => {
  const { file } = e.data;
  const hasher = await createSHA256();
  hasher.init();
  for (let offset = 0; offset < file.size; offset += SLICE) {
    hasher.update(new Uint8Array(await file.slice(offset, offset + SLICE).arrayBuffer()));
    self.postMessage({ type: "progress", done: Math.min(file.size, offset + SLICE) });
  }
  self.postMessage({ type: "done", sha256: hasher.digest("hex") });
};
