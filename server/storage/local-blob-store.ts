import { constants, createReadStream } from "node:fs";
import { randomBytes } from "node:crypto";
import { access, link, mkdir, opendir, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { BlobNotFoundError, type BlobStore, type ByteRange, type UploadRef } from "@/server/storage/blob-store";
import { fileChunks } from "@/server/storage/blob-chunks";
import { CHUNK_BYTES } from "@/server/storage/chunk-buffers";
import { OpenBlobHandles } from "@/server/storage/open-blob-handles";
const SHA256 = /^[0-9a-f]{64}$/;

/** Where a blob lives below the store's root: `ab/cd/<sha256>` (also nginx's X-Accel-Redirect path). */
export function localBlobPath(storageKey: string): string {
  if (!SHA256.test(storageKey)) throw new Error(`not a blob key: ${storageKey}`);
  return `${storageKey.slice(0, 2)}/${storageKey.slice(2, 4)}/${storageKey}`;
}

/** Blobs on disk at `<root>/ab/cd/<sha256>`. */
export class LocalBlobStore implements BlobStore {
  readonly backend = "local" as const;
  constructor(
    readonly root: string,
    // 128 stays far below the usual 1024-descriptor limit; 10 s outlasts the gaps between a
    // player's ranges, and a deleted blob's handle is never reused whatever its age.
    private readonly handles = new OpenBlobHandles({ max: 128, idleMs: 10_000 }),
  ) {}

  private pathOf(storageKey: string): string {
    return path.join(this.root, localBlobPath(storageKey));
  }

  async adoptUpload(upload: UploadRef, sha256: string) {
    if (!upload.localPath) throw new Error(`upload ${upload.uploadId} has no local file to adopt`);
    const target = this.pathOf(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    // A hard link, not a rename: adoption runs inside the commit's transaction, and when that rolls
    // back (the database went away) the upload must still be there for the retry. The caller
    // removes the upload's own name once the commit is durable (releaseCommitted / discard).
    // Identical bytes may already be stored; replacing them is harmless (same content).
    const temp = `${target}.${randomBytes(6).toString("hex")}.adopt`;
    await link(upload.localPath, temp);
    await rename(temp, target).catch(async (e: unknown) => {
      await unlinkIfPresent(temp);
      throw e;
    });
    return { storageKey: sha256 };
  }

  async discardUpload(upload: UploadRef) {
    if (upload.localPath) await unlinkIfPresent(upload.localPath);
  }

  async read(storageKey: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(storageKey);
    await access(file, constants.R_OK).catch((e: NodeJS.ErrnoException) => {
      throw e.code === "ENOENT" ? new BlobNotFoundError(storageKey) : e;
    });
    return createReadStream(file, { highWaterMark: CHUNK_BYTES, ...(range ?? {}) });
  }

  async openChunks(storageKey: string, range?: ByteRange) {
    const { fh, release } = await this.handles.acquire(this.pathOf(storageKey)).catch((e: NodeJS.ErrnoException) => {
      throw e.code === "ENOENT" ? new BlobNotFoundError(storageKey) : e;
    });
    return range ? fileChunks(fh, range.start, range.end - range.start + 1, release) : fileChunks(fh, 0, undefined, release);
  }

  async head(storageKey: string) {
    try {
      const s = await stat(this.pathOf(storageKey));
      return { size: s.size, modifiedAt: s.mtime };
    } catch {
      return null;
    }
  }

  async delete(storageKey: string) {
    const file = this.pathOf(storageKey);
    await unlinkIfPresent(file);
    await this.handles.evict(file);
  }

  async *list(): AsyncIterable<string> {
    await mkdir(this.root, { recursive: true });
    for await (const a of await opendir(this.root)) {
      if (!a.isDirectory()) continue;
      for await (const b of await opendir(path.join(this.root, a.name))) {
        if (!b.isDirectory()) continue;
        for await (const f of await opendir(path.join(this.root, a.name, b.name))) if (SHA256.test(f.name)) yield f.name;
      }
    }
  }

  /** Closes the cached blob handles (shutdown). */
  async close() {
    await this.handles.close();
  }

  async check() {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.W_OK);
  }
}

async function unlinkIfPresent(file: string) {
  await unlink(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT") throw e;
  });
}
