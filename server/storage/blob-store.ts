import type { Readable } from "node:stream";

/** Inclusive byte range, as HTTP ranges are. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Content-addressed blob storage. It knows bytes and keys only: no users, quotas or names.
 * Keys are derived from the sha256, never from anything a user typed.
 */
export interface BlobStore {
  readonly backend: "local" | "s3";
  /** Adopts a finished upload file under its sha256 (a rename on disk: no copy, no re-read). */
  adoptFile(sourcePath: string, sha256: string): Promise<{ storageKey: string }>;
  read(storageKey: string, range?: ByteRange): Promise<Readable>;
  /** Size of the stored blob, or null when it is missing. */
  head(storageKey: string): Promise<{ size: number } | null>;
  delete(storageKey: string): Promise<void>;
  list(): AsyncIterable<string>;
  /** Throws when the store cannot be written (health check). */
  check(): Promise<void>;
}
