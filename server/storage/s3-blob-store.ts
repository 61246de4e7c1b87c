import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { traceS3Client } from "@/server/storage/s3-tracing";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Env } from "@/server/env";
import { contentDisposition } from "@/server/http/content-disposition";
import { BlobNotFoundError, type BlobStore, type ByteRange, type PresignOptions, type UploadRef } from "@/server/storage/blob-store";
import { streamChunks } from "@/server/storage/blob-chunks";

/** Where the bucket is and how to sign for it; `STORAGE=s3` makes env validation require all of it. */
export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Where browsers reach the bucket (S3_PUBLIC_ENDPOINT): URLs signed for them use it. */
  publicEndpoint?: string;
}

export function s3SettingsFromEnv(s3: Env["s3"]): S3Settings {
  const { endpoint, bucket, accessKeyId, secretAccessKey } = s3;
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) {
    throw new Error("STORAGE=s3 needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY");
  }
  return { endpoint, region: s3.region, bucket, accessKeyId, secretAccessKey, forcePathStyle: s3.forcePathStyle, publicEndpoint: s3.publicEndpoint };
}

/**
 * The client that signs URLs a browser will use: the same bucket and keys at the public address.
 * A SigV4 signature covers the Host header, so a URL signed for the internal name would be refused
 * through the public one; signing needs no connection, so this client never opens one.
 */
export function publicSigningClient(s: S3Settings, internal: S3Client): S3Client {
  if (!s.publicEndpoint || s.publicEndpoint === s.endpoint) return internal;
  return new S3Client(s3ClientConfig({ ...s, endpoint: s.publicEndpoint }));
}

/** SDK settings shared by the blob store and tus's S3 store (which builds its own client). */
export function s3ClientConfig(s: S3Settings): S3ClientConfig {
  return {
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: s.forcePathStyle,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    // The SDK's default sends stream bodies aws-chunked with a trailing checksum, which Ceph RGW
    // (Pacific) rejects with 411 MissingContentLength: checksum only where S3 requires one.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

// tus's S3 store names a finished upload's object by the upload id: 32 hex digits made by the server.
const OBJECT_KEY = /^[0-9a-f]{32}$/;

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === "NotFound" || err?.name === "NoSuchKey" || err?.$metadata?.httpStatusCode === 404;
}

/**
 * Blobs in one S3 bucket, sharing it with tus's S3 store. Object layout:
 *   <uploadId>        a finished upload's bytes: an adopted blob once its `.info` is gone
 *   <uploadId>.info   tus's upload metadata, present while the upload is not adopted
 *   <uploadId>.part   tus's remainder (< 5 MiB) of a PATCH that was not the last one
 * Adoption keeps the object where tus completed it, so finishing an upload of any size costs two
 * small requests and no copy. Dedup is by sha256 in the database, not by key.
 */
export class S3BlobStore implements BlobStore {
  readonly backend = "s3" as const;
  readonly client: S3Client;
  readonly bucket: string;
  /** Signs the presigned downloads handed to browsers (S3_PUBLIC_ENDPOINT). */
  private readonly signer: S3Client;

  constructor(settings: S3Settings) {
    this.client = new S3Client(s3ClientConfig(settings));
    traceS3Client(this.client);
    this.bucket = settings.bucket;
    this.signer = publicSigningClient(settings, this.client);
  }

  private keyOf(storageKey: string): string {
    if (!OBJECT_KEY.test(storageKey)) throw new Error(`not a blob key: ${storageKey}`);
    return storageKey;
  }

  async adoptUpload(upload: UploadRef, _sha256: string) {
    const key = this.keyOf(upload.uploadId);
    // Never commit a file whose bytes are not there (a completion that failed half-way).
    if (!(await this.head(key))) throw new Error(`finished upload ${key} has no object to adopt`);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: `${key}.info` }));
    return { storageKey: key };
  }

  async discardUpload(upload: UploadRef) {
    const key = this.keyOf(upload.uploadId);
    const keys = [key, `${key}.info`, `${key}.part`];
    const out = await this.client.send(
      new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
    );
    const failed = (out.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
    if (failed.length) throw new Error(`could not delete ${failed.map((e) => `${e.Key}: ${e.Code}`).join(", ")}`);
  }

  async read(storageKey: string, range?: ByteRange): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.keyOf(storageKey),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      // In Node the SDK's body is the http response: a Readable.
      return out.Body as Readable;
    } catch (e) {
      if (isNotFound(e)) throw new BlobNotFoundError(storageKey);
      throw e;
    }
  }

  /** The SDK's body chunks as they arrive (the HTTP client allocates them; nothing to reuse here). */
  async openChunks(storageKey: string, range?: ByteRange) {
    return streamChunks(await this.read(storageKey, range));
  }

  async head(storageKey: string) {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(storageKey) }));
      return { size: out.ContentLength ?? 0, modifiedAt: out.LastModified ?? new Date(0) };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async delete(storageKey: string) {
    // S3 answers 204 for a missing key too.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(storageKey) }));
  }

  async *list(): AsyncIterable<string> {
    // Keys come sorted, and `<id>.info` sorts right after `<id>`: an object followed by its
    // `.info` is an upload not adopted yet, so hold each candidate until the next key is seen.
    let candidate: string | null = null;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      for (const { Key } of page.Contents ?? []) {
        if (!Key) continue;
        if (candidate !== null && Key !== `${candidate}.info`) yield candidate;
        candidate = OBJECT_KEY.test(Key) ? Key : null;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (candidate !== null) yield candidate;
  }

  async check() {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async presignGet(storageKey: string, options: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.keyOf(storageKey),
      // Non-ASCII here comes back as raw UTF-8 header bytes (measured on RGW): ASCII + filename*.
      ResponseContentDisposition: contentDisposition(options.filename),
      ResponseContentType: options.contentType,
    });
    return getSignedUrl(this.signer, command, { expiresIn: options.expiresSeconds, signingDate: options.signingDate });
  }
}
