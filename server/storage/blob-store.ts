import type { Readable } from "node:stream";
import type { BlobChunks } from "@/server/storage/blob-chunks";

/** Inclusive byte range, as HTTP ranges are. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A finished tus upload, as its upload store describes it: the server-made upload id, and the
 * data file when the upload lives on local disk. On S3 the id is the finished object's key.
 */
export interface UploadRef {
  uploadId: string;
  localPath?: string;
}

export interface PresignOptions {
  /** Offered to the browser in Content-Disposition (any Unicode; an ASCII fallback is added). */
  filename: string;
  contentType: string;
  expiresSeconds: number;
  /**
   * Signs as of this moment instead of now: the same date and expiry give the same URL, so a
   * URL made per window (signed-blob-url.ts) can be cached by the browser and a CDN.
   */
  signingDate?: Date;
}

/** Raised by `read` for a key that holds nothing. */
export class BlobNotFoundError extends Error {
  readonly code = "BLOB_NOT_FOUND";
  constructor(readonly storageKey: string) {
    super(`blob not found: ${storageKey}`);
  }
}

/**
 * Content storage for blobs. It knows bytes and keys only: no users, quotas or names, and its keys
 * are made by the server (a sha256, or a server-made upload id), never from anything a user typed.
 */
export interface BlobStore {
  readonly backend: "local" | "s3";
  /**
   * Makes a finished upload a blob without copying or re-reading it (local: a hard link named by
   * its sha256; S3: the upload's object stays where it is and its key becomes the storage key).
   * Safe to repeat for the same upload: a commit whose transaction rolled back adopts it again.
   */
  adoptUpload(upload: UploadRef, sha256: string): Promise<{ storageKey: string }>;
  /** Deletes a finished upload's bytes that are not needed, e.g. when the blob already exists. */
  discardUpload(upload: UploadRef): Promise<void>;
  /** Rejects with BlobNotFoundError when the key holds nothing. */
  read(storageKey: string, range?: ByteRange): Promise<Readable>;
  /**
   * Opens the blob (or a range) for one pass into a sink: what downloads use (whole files, ranges,
   * ZIP, WebDAV, share links), so local disk reads into reused buffers instead of a new 1 MiB
   * buffer per chunk. Rejects with BlobNotFoundError before any byte, so no answer has started.
   */
  openChunks(storageKey: string, range?: ByteRange): Promise<BlobChunks>;
  /** Size of the stored blob, or null when it is missing. */
  head(storageKey: string): Promise<{ size: number; modifiedAt: Date } | null>;
  /** Idempotent: deleting a missing blob succeeds. */
  delete(storageKey: string): Promise<void>;
  /** Storage keys of every adopted blob (not of uploads in flight). */
  list(): AsyncIterable<string>;
  /** Throws when the store cannot be reached or written (health check). */
  check(): Promise<void>;
  /** Releases what the store holds open (local: cached blob handles), at shutdown. */
  close?(): Promise<void>;
  /** A URL that downloads the blob directly from the store, where the store can make one. */
  presignGet?(storageKey: string, options: PresignOptions): Promise<string>;
}
