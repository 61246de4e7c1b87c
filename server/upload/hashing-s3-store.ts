import type fs from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { S3Store, type MetadataValue } from "@tus/s3-store";
import { ERRORS, Upload } from "@tus/utils";
import { s3ClientConfig, type S3Settings } from "@/server/storage/s3-blob-store";
import { traceS3Client } from "@/server/storage/s3-tracing";
import { hashStream, StreamingHashes, type HashingUploadStore } from "@/server/storage/streaming-hash";
import { MAX_PARTS, s3PartSize } from "@/server/upload/part-size";

export { MAX_PARTS, s3PartSize };

export interface HashingS3StoreOptions {
  settings: S3Settings;
  /** The smallest part (S3_PART_SIZE); bigger uploads get bigger parts, see s3PartSize. */
  partSizeBytes: number;
  /** Parts uploaded at once by this store (each one in flight is staged in TMPDIR). */
  concurrency: number;
  /** Sizes the parts of an upload whose length is not declared yet. */
  maxUploadBytes: number;
  expirationPeriodInMilliseconds?: number;
  /**
   * The size of an upload that has been committed, or null. Once adopted, an upload's `.info` is
   * gone (and a duplicate's object too), so this lets HEAD keep answering "complete".
   */
  committedUploadSize?: (id: string) => Promise<number | null>;
}

/**
 * @tus/s3-store that hashes every byte of each PATCH on its way into S3 multipart parts, so a
 * finished upload needs no second read; a lost hash state (see StreamingHashes) costs one
 * streamed GET of the completed object. Each PATCH streams through: tus stages one part at a time
 * in TMPDIR (at most `concurrency` of them), never the whole file.
 *
 * Every part but the last is exactly the upload's part size (a shorter tail waits in tus's
 * `<id>.part` object for the next PATCH), so MAX_PARTS always suffice, whatever the PATCH sizes.
 */
export class HashingS3Store extends S3Store implements HashingUploadStore {
  private readonly hashes = new StreamingHashes();
  /** Where the PATCH in progress on an upload started (tus's locker allows one per upload). */
  private readonly patches = new Map<string, { firstPart: number; offset: number; partSize: number }>();
  private readonly partFloor: number;
  private readonly maxUploadBytes: number;
  private readonly committedUploadSize?: (id: string) => Promise<number | null>;

  constructor(options: HashingS3StoreOptions) {
    super({
      s3ClientConfig: { ...s3ClientConfig(options.settings), bucket: options.settings.bucket },
      partSize: options.partSizeBytes,
      maxConcurrentPartUploads: options.concurrency,
      expirationPeriodInMilliseconds: options.expirationPeriodInMilliseconds,
      // Tags only serve bucket lifecycle rules, which we do not set up; without them the `.info`
      // is not rewritten on completion (one PUT less per upload).
      useTags: false,
    });
    traceS3Client(this.client);
    this.partFloor = options.partSizeBytes;
    this.maxUploadBytes = options.maxUploadBytes;
    this.committedUploadSize = options.committedUploadSize;
  }

  /** The part size this store uses for an upload of `size` bytes (undefined: not declared yet). */
  partSizeFor(size: number | undefined): number {
    return s3PartSize(size ?? this.maxUploadBytes, this.partFloor);
  }

  protected override calcOptimalPartSize(size?: number): number {
    return this.partSizeFor(size);
  }

  /**
   * tus uploads any chunk of at least 5 MiB as a part. A PATCH's last chunk is shorter than the
   * part size; unless it ends the upload, it goes to `<id>.part` instead and is prepended to the
   * next PATCH. Where each chunk starts is known from the PATCH's start (chunks are numbered in
   * order and all but the last are full), recorded here because tus does not pass it down.
   */
  protected override async uploadParts(metadata: MetadataValue, readStream: Readable, currentPartNumber: number, offset: number): Promise<number> {
    const id = metadata.file.id;
    this.patches.set(id, { firstPart: currentPartNumber, offset, partSize: this.calcOptimalPartSize(metadata.file.size) });
    try {
      return await super.uploadParts(metadata, readStream, currentPartNumber, offset);
    } finally {
      this.patches.delete(id);
    }
  }

  protected override async uploadPart(metadata: MetadataValue, body: fs.ReadStream | Readable | Buffer, partNumber: number): Promise<string> {
    const patch = this.patches.get(metadata.file.id);
    if (patch && !Buffer.isBuffer(body) && "path" in body) {
      const length = (await stat(body.path)).size;
      const start = patch.offset + (partNumber - patch.firstPart) * patch.partSize;
      const isLast = metadata.file.size !== undefined && start + length === metadata.file.size;
      if (length < patch.partSize && !isLast) return this.uploadIncompletePart(metadata.file.id, body);
    }
    return super.uploadPart(metadata, body, partNumber);
  }

  override async write(src: Readable, id: string, offset: number): Promise<number> {
    const write = this.hashes.begin(id, offset);
    const piping = pipeline(src, write.transform);
    // Its failure also fails the write below, which reports it.
    piping.catch(() => {});
    let end: number;
    try {
      end = await super.write(write.transform, id, offset);
    } catch (e) {
      write.transform.destroy();
      throw e;
    }
    await piping;
    write.done(end);
    return end;
  }

  override async getUpload(id: string): Promise<Upload> {
    try {
      return await super.getUpload(id);
    } catch (e) {
      if (e !== ERRORS.FILE_NOT_FOUND) throw e;
      // No `.info`: the upload was adopted (its object is the blob now) or committed as a duplicate.
      const size = (await this.objectSize(id)) ?? (await this.committedUploadSize?.(id)) ?? null;
      if (size === null) throw e;
      return new Upload({ id, size, offset: size });
    }
  }

  async digest(id: string, size: number): Promise<{ sha256: string; streamed: boolean }> {
    const streamed = this.hashes.take(id, size);
    if (streamed) {
      // The hash saw every byte the client sent; one HEAD confirms S3 assembled all of them.
      const stored = await this.objectSize(id);
      if (stored !== size) throw new Error(`upload ${id}: the object holds ${stored} bytes, expected ${size}`);
      return { sha256: streamed, streamed: true };
    }
    const read = await hashStream(await this.read(id));
    if (read.size !== size) throw new Error(`upload ${id}: the object holds ${read.size} bytes, expected ${size}`);
    return { sha256: read.sha256, streamed: false };
  }

  forget(id: string) {
    this.hashes.forget(id);
  }

  uploadRef(id: string) {
    if (!/^[0-9a-f]{32}$/.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return { uploadId: id };
  }

  /** The blob store took the object (or deleted it as a duplicate) and the `.info` with it. */
  async releaseCommitted(id: string) {
    await this.clearCache(id);
  }

  /**
   * Termination and expiry. Only an upload that still has its `.info` is tus's to remove: once
   * adopted, `<id>` is a blob. tus's own remove also leaves the `<id>.part` remainder, and a
   * completed upload that was never adopted (its multipart upload is gone) behind.
   */
  override async remove(id: string): Promise<void> {
    this.hashes.forget(id);
    let uploadId: string;
    try {
      ({ "upload-id": uploadId } = await this.getMetadata(id));
    } catch (e) {
      if (isNotFound(e)) throw ERRORS.FILE_NOT_FOUND;
      throw e;
    }
    await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: uploadId }).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
    await this.deleteUploadObjects(id);
  }

  async discard(id: string) {
    this.hashes.forget(id);
    await this.deleteUploadObjects(id);
  }

  private async deleteUploadObjects(id: string) {
    await this.clearCache(id);
    const out = await this.client.deleteObjects({
      Bucket: this.bucket,
      Delete: { Objects: [{ Key: this.uploadRef(id).uploadId }, { Key: this.infoKey(id) }, { Key: this.partKey(id, true) }], Quiet: true },
    });
    const failed = (out.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
    if (failed.length) throw new Error(`could not delete ${failed.map((e) => `${e.Key}: ${e.Code}`).join(", ")}`);
  }

  private async objectSize(id: string): Promise<number | null> {
    try {
      const out = await this.client.headObject({ Bucket: this.bucket, Key: this.uploadRef(id).uploadId });
      return out.ContentLength ?? null;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.$metadata?.httpStatusCode === 404 || err?.name === "NoSuchKey" || err?.name === "NoSuchUpload" || err?.name === "NotFound";
}
