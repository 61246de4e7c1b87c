/// <reference lib="webworker" />
// Hashes a File off the main thread (file-digests.ts: one read, in slices, so a multi-GiB file
// never freezes the page or sits in memory whole): its sha256 and, for a direct upload, each
// part's MD5 from the same bytes. hash-wasm: WebCrypto has neither a streaming digest nor MD5.
import { digestFile } from "./file-digests";

self.onmessage = async (e: MessageEvent<{ file: File; partSize: number | null }>) => {
  const { file, partSize } = e.data;
  const digests = await digestFile(file, partSize, (done) => self.postMessage({ type: "progress", done }));
  self.postMessage({ type: "done", digests });
};
