import { createHash, type Hash } from "node:crypto";
import type fs from "node:fs";
import { Readable } from "node:stream";
import { UploadPartCommand, type Part } from "@aws-sdk/client-s3";
import { S3Store, type MetadataValue } from "@tus/s3-store";
import { Semaphore } from "async-mutex";
import { ERRORS, TUS_RESUMABLE, Upload } from "@tus/utils";
import { s3ClientConfig, type S3Settings } from "@/server/storage/s3-blob-store";
import { traceS3Client } from "@/server/storage/s3-tracing";
import { hashStream, StreamingHashes, type HashingUploadStore } from "@/server/storage/streaming-hash";
import { MAX_PARTS, s3PartSize } from "@/server/upload/part-size";
import { PartBufferPool } from "@/server/upload/part-buffer-pool";

export { MAX_PARTS, s3PartSize };

const MiB = 1024 * 1024;

export interface HashingS3StoreOptions {
  settings: S3Settings;
  /** The smallest part (S3_PART_SIZE); bigger uploads get bigger parts, see s3PartSize. */
  partSizeBytes: number;
  /** Parts of one upload in memory at once (the one filling and those on their way to S3). */
  concurrency: number;
  /** Bytes of parts held in memory by all uploads together (default: 4 × concurrency parts). */
  bufferBytes?: number;
  /** Sizes the parts of an upload whose length is not declared yet. */
  maxUploadBytes: number;
  expirationPeriodInMilliseconds?: number;
  /**
   * The size of an upload that has been committed, or null. Once adopted, an upload's `.info` is
   * gone (and a duplicate's object too), so this lets HEAD keep answering "complete".
   */
  committedUploadSize?: (id: string) => Promise<number | null>;
  /**
   * Only this process writes to these uploads (tus's in-memory locker: one replica). Its own
   * record of the parts it created or sent then answers a PATCH's getUpload and the completion's
   * listing, with no ListParts; a restart, or any failed write, goes back to asking S3.
   */
  soleWriter?: boolean;
}

/** One write in progress: the parts S3 held when it began, and those it has sent since. */
interface WriteParts {
  before: Part[] | null;
  sent: Part[];
  /** It left a shorter tail in `<id>.part`, whose bytes only S3 holds. */
  tail: boolean;
  /** It completed the multipart upload. */
  completed: boolean;
}

const byPartNumber = (a: Part, b: Part) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0);
const partsSize = (parts: Part[]) => parts.reduce((sum, p) => sum + (p.Size ?? 0), 0);

/**
 * @tus/s3-store that hashes every byte of each PATCH on its way into S3 multipart parts, so a
 * finished upload needs no second read; a lost hash state (see StreamingHashes) costs one
 * streamed GET of the completed object. Each PATCH streams through memory: a part fills a buffer
 * and is sent as it fills, at most `concurrency` parts per upload and `bufferBytes` in all, with no
 * temp file (tus's own store writes every part to TMPDIR and reads it back: twice the disk traffic
 * and about a third of the CPU). A full buffer pauses the request, so a slow S3 slows the client
 * instead of growing memory.
 *
 * Every part but the last is exactly the upload's part size (a shorter tail waits in tus's
 * `<id>.part` object for the next PATCH), so MAX_PARTS always suffice, whatever the PATCH sizes.
 */
export class HashingS3Store extends S3Store implements HashingUploadStore {
  private readonly hashes = new StreamingHashes();
  /** The hash of each write in progress, fed from `from` on: bytes before it came from `<id>.part` and were hashed by their own PATCH. */
  private readonly hashing = new Map<string, { update(bytes: Buffer): void; from: number }>();
  private readonly partBuffers: PartBufferPool;
  /** Bytes of part buffers held by every upload of this process. */
  private readonly memory: Semaphore;
  private readonly concurrency: number;
  private readonly bufferBytes: number;
  private readonly budgetMiB: number;
  private readonly partFloor: number;
  private readonly maxUploadBytes: number;
  private readonly committedUploadSize?: (id: string) => Promise<number | null>;
  /**
   * The parts the last getUpload of an upload listed, when it found no `<id>.part` tail. tus's
   * PATCH calls getUpload under the upload's lock and then write, whose own start would ask S3
   * again (ListParts, and a GET of the tail): two round trips per PATCH before its first byte.
   * write takes the entry (once) when its parts add up to the offset it starts at, else asks S3.
   */
  private readonly listed = new Map<string, Part[]>();
  /** Uploads whose write is starting from `listed`: their first ListParts and tail GET are known. */
  private readonly known = new Map<string, Part[]>();
  private readonly reading = new Set<string>();
  private readonly writes = new Map<string, WriteParts>();
  /**
   * soleWriter only: the parts S3 holds for an upload as this process left them, with no `.part`
   * tail: none once it created the upload, all of them after a write that succeeded. A write takes
   * the entry away while it runs and leaves a new one only when it succeeds.
   */
  private readonly held = new Map<string, Part[]>();
  private readonly soleWriter: boolean;

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
    this.concurrency = options.concurrency;
    this.bufferBytes = options.bufferBytes ?? 4 * options.concurrency * options.partSizeBytes;
    // Counted in whole MiB: async-mutex walks every unit of the free value on each release, so a
    // semaphore of bytes cost ~125 CPU s per GiB uploaded (measured, bench and profile).
    this.budgetMiB = Math.max(1, Math.floor(this.bufferBytes / MiB));
    this.memory = new Semaphore(this.budgetMiB);
    // Free buffers kept: one upload's parts in flight at the configured size; the bigger parts of
    // very large uploads are not kept.
    this.partBuffers = new PartBufferPool(options.concurrency * options.partSizeBytes);
    this.maxUploadBytes = options.maxUploadBytes;
    this.committedUploadSize = options.committedUploadSize;
    this.soleWriter = options.soleWriter ?? false;
  }

  override async create(upload: Upload): Promise<Upload> {
    const created = await super.create(upload);
    if (this.soleWriter) this.held.set(upload.id, []);
    return created;
  }

  /** Also keeps what it saved in tus's metadata cache: the next getUpload need not GET the `.info` back. */
  protected override async saveMetadata(upload: Upload, uploadId: string): Promise<void> {
    await super.saveMetadata(upload, uploadId);
    const file = new Upload({ id: upload.id, size: upload.size, offset: upload.offset, metadata: upload.metadata, creation_date: upload.creation_date, storage: upload.storage });
    await this.cache.set(upload.id, { "tus-version": TUS_RESUMABLE, "upload-id": uploadId, file });
  }

  /** The part size this store uses for an upload of `size` bytes (undefined: not declared yet). */
  partSizeFor(size: number | undefined): number {
    return s3PartSize(size ?? this.maxUploadBytes, this.partFloor);
  }

  protected override calcOptimalPartSize(size?: number): number {
    return this.partSizeFor(size);
  }

  /**
   * Cuts one PATCH's bytes into parts of the upload's part size and sends each as it fills. Every
   * part but the upload's last is whole: a shorter tail (the PATCH ended mid-part) goes to tus's
   * `<id>.part` object and is prepended to the next PATCH, so MAX_PARTS always suffice whatever the
   * PATCH sizes. A failing read drops the unfinished part; the parts already sent count.
   */
  protected override async uploadParts(metadata: MetadataValue, readStream: Readable, currentPartNumber: number, offset: number): Promise<number> {
    const size = metadata.file.size;
    const partSize = this.calcOptimalPartSize(size);
    // A part bigger than the whole budget takes all of it rather than waiting forever.
    const weight = Math.min(Math.ceil(partSize / MiB), this.budgetMiB);
    const sending = new Set<Promise<void>>();
    let failure: unknown = null;
    let uploaded = 0;
    let partNumber = currentPartNumber;
    let start = offset;
    let buffer: Buffer | null = null;
    let filled = 0;
    // The part's own sha256, for SigV4: S3 refuses a part whose bytes do not match it. Hashed
    // here while each chunk is in cache, not by the SDK over the whole part once it is built.
    let partHash: Hash | null = null;
    let release: (() => void) | null = null;
    const hash = this.hashing.get(metadata.file.id);
    const record = this.writes.get(metadata.file.id);
    let position = offset;

    const send = (part: Buffer, sha256: string, releasePart: () => void) => {
      const number = partNumber++;
      const isLast = size !== undefined && start + part.length === size;
      start += part.length;
      const whole = part.length === partSize || isLast;
      if (!whole && record) record.tail = true;
      const sent = (whole ? this.sendPart(metadata, part, number, sha256) : this.putIncompletePart(metadata.file.id, part))
        .then((etag) => {
          uploaded += part.length;
          if (whole) record?.sent.push({ PartNumber: number, ETag: etag ?? undefined, Size: part.length });
        }, (e: unknown) => { failure ??= e; })
        .finally(() => {
          // The SDK is done with the bytes (retries included) once the request settles.
          this.partBuffers.give(part);
          releasePart();
          sending.delete(sent);
        });
      sending.add(sent);
    };

    try {
      for await (const data of readStream) {
        let chunk = data as Buffer;
        if (hash) {
          if (position >= hash.from) hash.update(chunk);
          else if (position + chunk.length > hash.from) hash.update(chunk.subarray(hash.from - position));
        }
        position += chunk.length;
        while (chunk.length > 0) {
          if (failure) throw failure;
          if (!buffer) {
            // One upload holds at most `concurrency` parts: wait for one to reach S3 first.
            while (sending.size >= this.concurrency) await Promise.race(sending);
            release = (await this.memory.acquire(weight))[1];
            buffer = this.partBuffers.take(partSize);
            partHash = createHash("sha256");
            filled = 0;
          }
          const n = Math.min(chunk.length, partSize - filled);
          chunk.copy(buffer, filled, 0, n);
          partHash!.update(n === chunk.length ? chunk : chunk.subarray(0, n));
          filled += n;
          chunk = chunk.subarray(n);
          if (filled === partSize) {
            send(buffer, partHash!.digest("hex"), release!);
            buffer = null;
            release = null;
          }
        }
      }
      if (buffer && filled > 0) send(buffer.subarray(0, filled), partHash!.digest("hex"), release!);
      else {
        if (buffer) this.partBuffers.give(buffer);
        release?.();
      }
      buffer = null;
      release = null;
    } catch (e) {
      if (buffer) this.partBuffers.give(buffer);
      release?.();
      failure ??= e;
    }
    await Promise.allSettled([...sending]);
    if (failure) throw failure;
    return uploaded;
  }

  /** UploadPart signed with the part's sha256 computed in uploadParts (the SDK would hash it again). */
  protected async sendPart(metadata: MetadataValue, part: Buffer, partNumber: number, sha256: string): Promise<string | undefined> {
    const command = new UploadPartCommand({ Bucket: this.bucket, Key: metadata.file.id, UploadId: metadata["upload-id"], PartNumber: partNumber, Body: part });
    command.middlewareStack.add(
      (next) => async (args) => {
        // The signer takes the payload hash from this header when it is there.
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers["x-amz-content-sha256"] = sha256;
        return next(args);
      },
      { step: "build", name: "partSha256" },
    );
    return (await this.client.send(command)).ETag;
  }

  private async putIncompletePart(id: string, part: Buffer): Promise<undefined> {
    await this.client.putObject({ Bucket: this.bucket, Key: this.partKey(id, true), Body: part });
  }

  /** tus keeps the tail of a PATCH in `<id>.part`; it is read back into memory, never TMPDIR. */
  protected override async downloadIncompletePart(id: string) {
    // getUpload, just before this write, found no tail.
    if (this.known.delete(id)) return undefined;
    const body = await this.getIncompletePart(id);
    if (!body) return undefined;
    const bytes = Buffer.concat(await Readable.from(body).toArray());
    // tus only pipes what createReader returns, so any Readable does (its type says fs.ReadStream).
    return { size: bytes.length, path: "", createReader: () => Readable.from([bytes]) as unknown as fs.ReadStream };
  }

  /**
   * Hashes in the part loop (uploadParts) rather than in a Transform before it: a Transform added
   * a stream hop and a 1 MiB Buffer.concat per MiB that the part buffer copies again anyway.
   */
  override async write(src: Readable, id: string, offset: number): Promise<number> {
    const listed = this.listed.get(id);
    this.listed.delete(id);
    if (listed && listed.reduce((sum, p) => sum + (p.Size ?? 0), 0) === offset) this.known.set(id, listed);
    const write = this.hashes.begin(id, offset);
    // tus holds the upload's lock, so one write per id at a time.
    this.hashing.set(id, { update: write.update, from: offset });
    this.held.delete(id);
    const parts: WriteParts = { before: null, sent: [], tail: false, completed: false };
    this.writes.set(id, parts);
    let end: number;
    try {
      end = await super.write(src, id, offset);
    } finally {
      this.hashing.delete(id);
      this.known.delete(id);
      this.writes.delete(id);
    }
    write.done(end);
    if (this.soleWriter && parts.before && !parts.tail && !parts.completed) {
      const now = [...parts.before, ...parts.sent].sort(byPartNumber);
      // An upload abandoned half-way keeps its entry until expiry removes it; a bound keeps those few.
      if (this.held.size > 10_000) this.held.clear();
      if (partsSize(now) === end) this.held.set(id, now);
    }
    return end;
  }

  protected override async retrieveParts(id: string, partNumberMarker?: string): Promise<Part[]> {
    if (partNumberMarker !== undefined) return super.retrieveParts(id, partNumberMarker);
    const write = this.writes.get(id);
    // The completion's listing: what the write found when it began plus what it sent, every part
    // acknowledged by S3 under the same lock (a failed part fails the write before this).
    if (write?.before) {
      write.completed = true;
      if (write.sent.every((p) => p.ETag)) return [...write.before, ...write.sent].sort(byPartNumber);
      return super.retrieveParts(id);
    }
    // The write's first listing: getUpload's, a moment ago under the same lock. (Not deleted
    // here: downloadIncompletePart, next, takes the entry.)
    const parts = this.known.get(id) ?? (await super.retrieveParts(id));
    if (write) write.before = parts;
    if (this.reading.has(id)) this.listed.set(id, parts);
    return parts;
  }

  protected override async getIncompletePartSize(id: string): Promise<number | undefined> {
    const size = await super.getIncompletePartSize(id);
    if (size !== undefined) this.listed.delete(id);
    return size;
  }

  override async getUpload(id: string): Promise<Upload> {
    this.listed.delete(id);
    // A HEAD that no PATCH follows leaves its entry; a bound keeps those few.
    if (this.listed.size > 1000) this.listed.clear();
    const held = this.held.get(id);
    const metadata = held && (await this.getMetadata(id).catch(() => null));
    if (held && metadata) {
      this.listed.set(id, held);
      return new Upload({ ...metadata.file, offset: partsSize(held), size: metadata.file.size, storage: metadata.file.storage });
    }
    this.held.delete(id);
    this.reading.add(id);
    try {
      return await super.getUpload(id);
    } catch (e) {
      this.listed.delete(id);
      if (e !== ERRORS.FILE_NOT_FOUND) throw e;
      // No `.info`: the upload was adopted (its object is the blob now) or committed as a duplicate.
      const size = (await this.objectSize(id)) ?? (await this.committedUploadSize?.(id)) ?? null;
      if (size === null) throw e;
      return new Upload({ id, size, offset: size });
    } finally {
      this.reading.delete(id);
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
    this.held.delete(id);
  }

  uploadRef(id: string) {
    if (!/^[0-9a-f]{32}$/.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return { uploadId: id };
  }

  /** The blob store took the object (or deleted it as a duplicate) and the `.info` with it. */
  async releaseCommitted(id: string) {
    this.held.delete(id);
    await this.clearCache(id);
  }

  /**
   * Termination and expiry. Only an upload that still has its `.info` is tus's to remove: once
   * adopted, `<id>` is a blob. tus's own remove also leaves the `<id>.part` remainder, and a
   * completed upload that was never adopted (its multipart upload is gone) behind.
   */
  override async remove(id: string): Promise<void> {
    this.hashes.forget(id);
    this.held.delete(id);
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
    this.held.delete(id);
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
