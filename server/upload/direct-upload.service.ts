import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  S3Client,
  type Part,
} from "@aws-sdk/client-s3";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import type { Actor } from "@/server/auth/actor";
import { s3ClientConfig, s3SettingsFromEnv } from "@/server/storage/s3-blob-store";
import { presignUploadPart, type PresignTarget } from "@/server/storage/s3-presign";
import { s3PartSize } from "@/server/upload/part-size";
import { completeUpload, createUploadSession, endUnfinishedUpload, failUpload, requireUploadOwner } from "@/server/upload/upload.service";
import type { DirectStartInput } from "@/server/upload/direct-upload.schemas";
import type { OnConflict } from "@/server/upload/upload.schemas";
import type { NodeDto } from "@/server/drive/drive.service";

/**
 * Signed direct upload: the browser sends the parts of an S3 multipart upload straight to the
 * bucket, each through a presigned UploadPart URL bound to the part's length and Content-MD5 (S3
 * refuses a part whose bytes differ: BadDigest). The server opens the multipart upload at the
 * upload id's key (the same layout as tus's finished objects, so adoption and GC are unchanged),
 * records it on the UploadSession, and completes it from its own ListParts, never from the
 * client's list. The file is recorded at once on a PENDING blob, and a queued job reads the object
 * once to compute its sha256: a blob's hash is what dedup and instant upload trust, so it is never
 * taken on faith (blob-verification.service).
 */

/** How long a part URL may be used: long enough for one part on a slow link, refreshed on demand. */
export const PART_URL_SECONDS = 15 * 60;

const KEY = Symbol.for("yunpan.directUploadS3");
type G = typeof globalThis & { [KEY]?: { client: S3Client; signer: PresignTarget; bucket: string } };

/**
 * The S3 client and bucket direct uploads use (built from the env once per process), and what
 * signs the part URLs browsers get (at S3_PUBLIC_ENDPOINT when set).
 */
export function directUploadS3(): { client: S3Client; signer: PresignTarget; bucket: string } {
  const g = globalThis as G;
  if (!g[KEY]) {
    const settings = s3SettingsFromEnv(getEnv().s3);
    const client = new S3Client(s3ClientConfig(settings));
    const signer = { ...settings, endpoint: settings.publicEndpoint ?? settings.endpoint };
    g[KEY] = { client, signer, bucket: settings.bucket };
  }
  return g[KEY];
}

/** Tests switch endpoints between files: the next call builds a client from the current env. */
export function resetDirectUploadClientForTests() {
  const g = globalThis as G;
  g[KEY]?.client.destroy();
  delete g[KEY];
}

export function isDirectUploadEnabled(): boolean {
  const env = getEnv();
  return env.storage === "s3" && env.s3.directUpload;
}

function requireEnabled() {
  if (!isDirectUploadEnabled()) throw new AppError("BAD_REQUEST", "upload.directOff");
}

export interface DirectUploadPlan {
  uploadId: string;
  size: number;
  partSize: number;
  partCount: number;
}

function planOf(session: { id: string; size: bigint | null; partSize: number | null }): DirectUploadPlan {
  const size = Number(session.size ?? 0n);
  const partSize = session.partSize ?? 0;
  return { uploadId: session.id, size, partSize, partCount: Math.ceil(size / partSize) };
}

/** The length of part `n` (1-based): every part is `partSize` long but the last. */
export function partLength(plan: DirectUploadPlan, n: number): number {
  return Math.min(plan.partSize, plan.size - (n - 1) * plan.partSize);
}

/**
 * Opens a direct upload: access, names, size limit and quota are checked and the quota reserved
 * exactly as for tus (createUploadSession), then the multipart upload is opened and recorded.
 */
export async function startDirectUpload(input: { actor: Actor } & DirectStartInput): Promise<DirectUploadPlan> {
  requireEnabled();
  const uploadId = randomBytes(16).toString("hex");
  await createUploadSession({
    actor: input.actor,
    uploadId,
    size: input.size,
    metadata: { filename: input.filename, parentId: input.parentId, relativePath: input.relativePath, sha256: input.sha256, filetype: input.filetype },
  });
  const partSize = s3PartSize(input.size, getEnv().s3.partSizeBytes);
  const { client, bucket } = directUploadS3();
  let s3UploadId: string | undefined;
  try {
    ({ UploadId: s3UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: uploadId, ContentType: input.filetype ?? undefined }),
    ));
    if (!s3UploadId) throw new Error("S3 returned no UploadId");
  } catch (e) {
    // The session holds quota: give it back when the bucket cannot take the upload.
    await failUpload(uploadId, "could not open the multipart upload");
    throw e;
  }
  const prisma = await getPrisma();
  const session = await prisma.uploadSession.update({ where: { id: uploadId }, data: { s3UploadId, partSize } });
  return planOf(session);
}

async function requireDirectSession(actor: Actor, uploadId: string) {
  requireEnabled();
  const session = await requireUploadOwner({ actor, uploadId });
  if (session.status !== "ACTIVE" || !session.s3UploadId || !session.partSize) throw new AppError("NOT_FOUND", "upload.notFound");
  return { ...session, s3UploadId: session.s3UploadId, plan: planOf(session) };
}

/** Presigned UploadPart URLs for the given parts, each bound to its length and Content-MD5 (base64). */
export async function signDirectParts(input: { actor: Actor; uploadId: string; parts: { partNumber: number; md5: string }[] }) {
  const session = await requireDirectSession(input.actor, input.uploadId);
  const { signer } = directUploadS3();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + PART_URL_SECONDS * 1000);
  const urls = input.parts.map(({ partNumber, md5 }) => {
    if (partNumber > session.plan.partCount) throw new AppError("BAD_REQUEST", "upload.partNumber", { part: partNumber });
    // Content-Length and Content-MD5 are signed headers: a part of another length or digest is refused.
    const url = presignUploadPart(signer, {
      key: session.id,
      uploadId: session.s3UploadId,
      partNumber,
      contentLength: partLength(session.plan, partNumber),
      contentMd5: md5,
      expiresInSeconds: PART_URL_SECONDS,
      now,
    });
    return { partNumber, url };
  });
  return { urls, expiresAt };
}

async function listAllParts(key: string, s3UploadId: string): Promise<Part[]> {
  const { client, bucket } = directUploadS3();
  const parts: Part[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: s3UploadId, PartNumberMarker: marker }));
    parts.push(...(page.Parts ?? []));
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (marker);
  return parts;
}

/** The plan and the parts S3 holds (what a reloaded page or another device resumes from). */
export async function listDirectParts(input: { actor: Actor; uploadId: string }) {
  const session = await requireDirectSession(input.actor, input.uploadId);
  const parts = (await listAllParts(session.id, session.s3UploadId))
    .filter((p) => p.PartNumber && p.Size === partLength(session.plan, p.PartNumber))
    .map((p) => ({ partNumber: p.PartNumber!, size: p.Size! }));
  const offset = parts.reduce((sum, p) => sum + p.size, 0);
  const prisma = await getPrisma();
  await prisma.uploadSession.updateMany({
    where: { id: session.id, status: "ACTIVE" },
    data: { offset: BigInt(offset), expiresAt: new Date(Date.now() + getEnv().uploadExpiryHours * 3600_000) },
  });
  return { ...session.plan, parts };
}

/**
 * Finishes a direct upload: the multipart upload is completed from the parts S3 lists (each of
 * the planned length), the object's size is checked, and the file is recorded at once on a
 * PENDING blob; a queued job (blob-verification.service) then hashes the stored bytes, so a
 * large upload's completion does not wait for a full read of the object.
 */
export async function completeDirectUpload(input: { actor: Actor; uploadId: string; onConflict?: OnConflict | null }): Promise<NodeDto> {
  const session = await requireDirectSession(input.actor, input.uploadId);
  const { client, bucket } = directUploadS3();
  const { plan } = session;
  const listed = new Map((await listAllParts(session.id, session.s3UploadId)).map((p) => [p.PartNumber, p]));
  const missing: number[] = [];
  const parts: { PartNumber: number; ETag: string }[] = [];
  for (let n = 1; n <= plan.partCount; n++) {
    const p = listed.get(n);
    if (!p?.ETag || p.Size !== partLength(plan, n)) missing.push(n);
    else parts.push({ PartNumber: n, ETag: p.ETag });
  }
  if (missing.length) {
    const shown = missing.slice(0, 10).join(", ") + (missing.length > 10 ? ", …" : "");
    throw new AppError("CONFLICT", "upload.partsMissing", { missing: shown });
  }
  await client.send(
    new CompleteMultipartUploadCommand({ Bucket: bucket, Key: session.id, UploadId: session.s3UploadId, MultipartUpload: { Parts: parts } }),
  );
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: session.id }));
  if (head.ContentLength !== plan.size || !session.clientSha256) {
    // Nothing of a failed upload is kept: the object is not any file's bytes.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: session.id })).catch(() => {});
    await failUpload(session.id, "size mismatch");
    throw new AppError("BAD_REQUEST", "upload.sizeMismatch");
  }
  return completeUpload({
    uploadId: session.id,
    sha256: session.clientSha256,
    size: plan.size,
    mimeType: head.ContentType ?? null,
    onConflict: input.onConflict,
    unverified: true,
  });
}

/**
 * Removes an unfinished upload's data wherever it lives: a direct upload's multipart upload is
 * aborted, anything else goes to the tus store's `removeTus`.
 */
export async function removeUploadData(uploadId: string, removeTus: (id: string) => Promise<void>) {
  const prisma = await getPrisma();
  const session = await prisma.uploadSession.findUnique({ where: { id: uploadId }, select: { s3UploadId: true, status: true } });
  if (!session?.s3UploadId) return removeTus(uploadId);
  if (session.status === "COMPLETED") return;
  const { client, bucket } = directUploadS3();
  await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: uploadId, UploadId: session.s3UploadId })).catch((e: unknown) => {
    // Already completed or aborted: nothing is left to remove.
    if ((e as { name?: string }).name !== "NoSuchUpload") throw e;
  });
}

/** Cancels one of the caller's direct uploads: the multipart upload is aborted and the quota released. */
export async function abortDirectUpload(input: { actor: Actor; uploadId: string }) {
  const session = await requireDirectSession(input.actor, input.uploadId);
  await removeUploadData(session.id, async () => {});
  await endUnfinishedUpload(session.id, "ABORTED");
}
