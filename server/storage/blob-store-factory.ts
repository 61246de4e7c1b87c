import path from "node:path";
import { getEnv } from "@/server/env";
import { LocalBlobStore } from "@/server/storage/local-blob-store";
import type { BlobStore } from "@/server/storage/blob-store";

const KEY = Symbol.for("yunpan.blobStore");
type G = typeof globalThis & { [KEY]?: BlobStore };

export function getBlobStore(): BlobStore {
  const g = globalThis as G;
  return (g[KEY] ??= new LocalBlobStore(path.join(getEnv().dataDir, "blobs")));
}

export function setBlobStoreForTests(store: BlobStore) {
  (globalThis as G)[KEY] = store;
}
