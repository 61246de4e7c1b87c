import path from "node:path";
import { getEnv } from "@/server/env";
import { LocalBlobStore } from "@/server/storage/local-blob-store";
import { S3BlobStore, s3SettingsFromEnv } from "@/server/storage/s3-blob-store";
import type { BlobStore } from "@/server/storage/blob-store";
import { instrumentBlobStore } from "@/server/storage/instrument-blob-store";

const KEY = Symbol.for("yunpan.blobStore");
type G = typeof globalThis & { [KEY]?: BlobStore };

/** The process's blob store, chosen by STORAGE (local disk under DATA_DIR, or S3). */
export function getBlobStore(): BlobStore {
  const g = globalThis as G;
  return (g[KEY] ??= instrumentBlobStore(createBlobStore()));
}

function createBlobStore(): BlobStore {
  const env = getEnv();
  if (env.storage === "s3") return new S3BlobStore(s3SettingsFromEnv(env.s3));
  return new LocalBlobStore(path.join(env.dataDir, "blobs"));
}

export function setBlobStoreForTests(store: BlobStore) {
  (globalThis as G)[KEY] = store;
}
