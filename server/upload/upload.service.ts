import { randomBytes } from "node:crypto";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import { formatBytes } from "@/server/i18n/messages";
import { requireNodeAccess } from "@/server/drive/access";
import { getRootFolderOrThrow, toNodeDto, type NodeDto } from "@/server/drive/drive.service";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { recordAudit } from "@/server/audit/audit.service";
import { guessMimeType } from "@/server/upload/mime";
import { assertQuotaAllows } from "@/server/drive/quota";
import { ensureFolderPath } from "@/server/drive/folder-path.service";
import { commitFileVersion } from "@/server/upload/commit-version";
import { lockBlob } from "@/server/storage/blob-lock";
import { enqueueBlobVerification } from "@/server/upload/blob-verify-queue";
import type { OnConflict, UploadMetadata } from "@/server/upload/upload.schemas";
import type { Actor } from "@/server/auth/actor";
import { getMetrics } from "@/server/metrics/metrics";
import { countAttempt } from "@/server/security/rate-limit";
import { getSettings } from "@/server/settings/settings.service";

export interface UploadSessionDto {
  id: string;
  filename: string;
  parentId: string | null;
  size: number | null;
  offset: number;
  createdAt: Date;
  expiresAt: Date;
  /** A visitor's drop through one of the caller's upload links (the caller cannot resume it). */
  viaLink: { id: string; label: string | null; tokenPrefix: string } | null;
  /** A direct upload to S3: the client resumes it from the parts S3 lists, not through tus. */
  direct: boolean;
}

/** A visitor's drop that receives no bytes for this long ends, giving back the quota it holds. */
export const DROP_IDLE_MS = 15 * 60_000;

/**
 * Opens an upload: checks the target folder, the size limit and the quota, then records the
 * session, holding its bytes against the quota until it commits or expires.
 */
export async function createUploadSession(input: { actor: Actor; uploadId: string; size: number | null; metadata: UploadMetadata }) {
  const env = getEnv();
  await countAttempt("uploadCreate", input.actor.userId);
  const { metadata, size } = input;
  let parent = metadata.parentId
    ? await requireNodeAccess({ actor: input.actor, nodeId: metadata.parentId, need: "write" })
    : await getRootFolderOrThrow(input.actor);
  if (metadata.relativePath) {
    const folderId = await ensureFolderPath({ actor: input.actor, parentId: parent.id, path: metadata.relativePath });
    parent = await requireNodeAccess({ actor: input.actor, nodeId: folderId, need: "write" });
  }
  if (parent.kind !== "FOLDER") throw new AppError("BAD_REQUEST", "node.notFolder");
  const { maxUploadBytes } = await getSettings();
  if (size !== null && size > maxUploadBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", "upload.tooLarge", { max: formatBytes(maxUploadBytes) });
  }
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    // The bytes are charged to the folder's owner.
    const needed = BigInt(size ?? 0);
    await assertQuotaAllows(tx, parent.ownerId, needed);
    await tx.uploadSession.create({
      data: {
        id: input.uploadId,
        userId: input.actor.userId,
        chargedToId: parent.ownerId,
        parentId: parent.id,
        filename: metadata.filename,
        size: size === null ? null : BigInt(size),
        reservedBytes: needed,
        clientSha256: metadata.sha256 ?? null,
        expiresAt: new Date(Date.now() + env.uploadExpiryHours * 3600_000),
      },
    });
  });
  rememberUpload({ id: input.uploadId, userId: input.actor.userId, size });
}

/**
 * The length of an upload created with Upload-Defer-Length, once known: the size limit applies
 * and the quota holds the rest of the file (the bytes already written hold their place already).
 * Returns what the upload held before, for `revertUploadLength`.
 */
export async function declareUploadLength(input: { uploadId: string; size: number }): Promise<{ reservedBytes: bigint }> {
  const { maxUploadBytes } = await getSettings();
  if (input.size > maxUploadBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", "upload.tooLarge", { max: formatBytes(maxUploadBytes) });
  }
  const prisma = await getPrisma();
  const before = await prisma.$transaction(async (tx) => {
    const session = await tx.uploadSession.findUnique({ where: { id: input.uploadId } });
    if (!session || session.status !== "ACTIVE") throw new AppError("NOT_FOUND", "upload.notFound");
    const more = BigInt(input.size) - session.reservedBytes;
    if (more > 0n) await assertQuotaAllows(tx, session.chargedToId ?? session.userId, more);
    await tx.uploadSession.update({ where: { id: session.id }, data: { size: BigInt(input.size), reservedBytes: BigInt(input.size) } });
    return { reservedBytes: session.reservedBytes };
  });
  const known = knownUploads.get(input.uploadId);
  if (known) known.lengthKnown = true;
  return before;
}

/** Undoes declareUploadLength when the upload store could not record the length. */
export async function revertUploadLength(uploadId: string, before: { reservedBytes: bigint }) {
  knownUploads.delete(uploadId);
  const prisma = await getPrisma();
  await prisma.uploadSession.updateMany({ where: { id: uploadId, status: "ACTIVE" }, data: { size: null, reservedBytes: before.reservedBytes } });
}

/** Only the user who opened an upload may touch it; anyone else gets "not found". */
export async function requireUploadOwner(input: { actor: Actor; uploadId: string }) {
  const prisma = await getPrisma();
  const session = await prisma.uploadSession.findUnique({ where: { id: input.uploadId } });
  if (!session || session.userId !== input.actor.userId) throw new AppError("NOT_FOUND", "upload.notFound");
  rememberUpload(session);
  return session;
}

// An upload's owner never changes and a declared length stays, so a PATCH needs the database only
// for an upload this process has not seen yet. Bounded: the oldest entries go first (a later
// PATCH just asks again).
const knownUploads = new Map<string, { userId: string; lengthKnown: boolean }>();
const KNOWN_UPLOADS_MAX = 10_000;

/** Lets later PATCHes of this upload skip the database (see assertUploadOwner, isLengthKnown). */
export function rememberUpload(session: { id: string; userId: string; size: bigint | number | null }) {
  if (knownUploads.size >= KNOWN_UPLOADS_MAX && !knownUploads.has(session.id)) knownUploads.delete(knownUploads.keys().next().value!);
  knownUploads.set(session.id, { userId: session.userId, lengthKnown: session.size !== null });
}

/**
 * True when this process knows the upload's length is declared. False means "deferred, or not
 * known here": the caller asks the database (another replica may have declared it since).
 */
export function isLengthKnown(uploadId: string): boolean {
  return knownUploads.get(uploadId)?.lengthKnown === true;
}

/** requireUploadOwner for PATCHes: the same answer (404 for another user's id), cached per upload. */
export async function assertUploadOwner(input: { actor: Actor; uploadId: string }): Promise<void> {
  const known = knownUploads.get(input.uploadId);
  if (known !== undefined) {
    if (known.userId !== input.actor.userId) throw new AppError("NOT_FOUND", "upload.notFound");
    return;
  }
  await requireUploadOwner(input);
}

export async function recordUploadProgress(uploadId: string, offset: number) {
  const prisma = await getPrisma();
  const env = getEnv();
  const own = await prisma.uploadSession.updateMany({
    where: { id: uploadId, status: "ACTIVE", shareLinkId: null },
    data: { offset: BigInt(offset), expiresAt: new Date(Date.now() + env.uploadExpiryHours * 3600_000) },
  });
  if (own.count > 0) return;
  await prisma.uploadSession.updateMany({
    where: { id: uploadId, status: "ACTIVE", shareLinkId: { not: null } },
    data: { offset: BigInt(offset), expiresAt: new Date(Date.now() + DROP_IDLE_MS) },
  });
}

/**
 * Commits a finished upload: the verified bytes become a blob (stored once per sha256), and the
 * blob, the file version and the node are written in one transaction. An upload onto an existing
 * file's name adds a version to it, unless the uploader chose `onConflict: "rename"` (keep both).
 */
export async function completeUpload(input: {
  uploadId: string;
  filePath?: string;
  sha256: string;
  size: number;
  mimeType?: string | null;
  onConflict?: OnConflict | null;
  /**
   * The bytes were not hashed by the server (a direct upload): `sha256` is the uploader's claim.
   * The file is recorded at once on a PENDING blob of its own, never a stored blob of that hash,
   * and a queued job (blob.verify) hashes the stored bytes before anything may share them.
   */
  unverified?: boolean;
}): Promise<NodeDto> {
  const prisma = await getPrisma();
  const session = await prisma.uploadSession.findUnique({ where: { id: input.uploadId } });
  if (!session || session.status !== "ACTIVE") throw new AppError("NOT_FOUND", "upload.notFound");
  if (session.size !== null && Number(session.size) !== input.size) {
    await failUpload(input.uploadId, "size mismatch");
    throw new AppError("BAD_REQUEST", "upload.sizeMismatch");
  }
  if (!input.unverified && session.clientSha256 && session.clientSha256 !== input.sha256) {
    await failUpload(input.uploadId, "sha256 mismatch");
    throw new AppError("BAD_REQUEST", "upload.hashMismatch");
  }
  const store = getBlobStore();
  const upload = { uploadId: input.uploadId, localPath: input.filePath };
  const size = BigInt(input.size);
  const mimeType = input.mimeType ?? guessMimeType(session.filename);
  let reused = false;

  if (input.unverified) return commitUnverified(session, { ...input, size, mimeType });

  const node = await prisma.$transaction(async (tx) => {
    // Under the blob's lock the garbage collector cannot delete the bytes this commit reuses, and
    // adopting new bytes happens before the rows that point at them: a crash in between leaves
    // unreferenced bytes for GC, never a committed file without its bytes.
    await lockBlob(tx, store.backend, input.sha256);
    let blob = await tx.blob.findUnique({ where: { backend_sha256: { backend: store.backend, sha256: input.sha256 } } });
    reused = !!blob && (blob.refCount > 0 || (await store.head(blob.storageKey)) !== null);
    if (!reused) {
      const { storageKey } = await store.adoptUpload(upload, input.sha256);
      // A row left by an interrupted GC (refCount 0, bytes gone) is pointed at the new bytes.
      blob = await tx.blob.upsert({
        where: { backend_sha256: { backend: store.backend, sha256: input.sha256 } },
        create: { backend: store.backend, sha256: input.sha256, size, storageKey },
        update: { storageKey, size },
      });
    }
    const parentId = session.parentId ?? (await tx.node.findUniqueOrThrow({ where: { rootOwnerId: session.userId } })).id;
    const { node } = await commitFileVersion(tx, {
      parentId,
      filename: session.filename,
      blobId: blob!.id,
      size,
      mimeType,
      createdById: session.userId,
      ownerId: session.chargedToId ?? session.userId,
      keepBoth: session.shareLinkId !== null || input.onConflict === "rename",
      shareLinkId: session.shareLinkId,
    });
    await tx.uploadSession.update({
      where: { id: session.id },
      data: { status: "COMPLETED", offset: size, reservedBytes: 0n, nodeId: node.id },
    });
    return node;
  });
  // The content was already stored: these bytes are not needed. A failure here leaves only
  // unreferenced bytes, so it does not fail the committed upload.
  if (reused) await store.discardUpload(upload).catch(() => {});
  return recordCompleted(session, node, input.size);
}

type Session = NonNullable<Awaited<ReturnType<Awaited<ReturnType<typeof getPrisma>>["uploadSession"]["findUnique"]>>>;

async function recordCompleted(session: Session, node: Parameters<typeof toNodeDto>[0], size: number): Promise<NodeDto> {
  getMetrics().uploadsCompleted.inc();
  // A visitor's drop is audited as `share.drop` by its link (recordShareDrop), not as the owner.
  if (!session.shareLinkId) await recordAudit({ actorId: session.userId, action: "upload.complete", targetType: "node", targetId: node.id, data: { name: node.name, size } });
  return toNodeDto(node);
}

/**
 * Records a file whose bytes the server has not hashed yet, on a PENDING blob of its own. Its
 * `sha256` is a random placeholder (the claim is kept in `claimedSha256`): a lookup by a real hash
 * (dedup, instant upload) cannot reach it, and a claimed hash of someone else's file gets nothing.
 */
async function commitUnverified(session: Session, input: { uploadId: string; sha256: string; size: bigint; mimeType: string; onConflict?: OnConflict | null }): Promise<NodeDto> {
  const prisma = await getPrisma();
  const store = getBlobStore();
  const placeholder = randomBytes(32).toString("hex");
  const { storageKey } = await store.adoptUpload({ uploadId: input.uploadId }, placeholder);
  const node = await prisma.$transaction(async (tx) => {
    const blob = await tx.blob.create({
      data: { backend: store.backend, sha256: placeholder, size: input.size, storageKey, integrity: "PENDING", claimedSha256: input.sha256 },
    });
    const parentId = session.parentId ?? (await tx.node.findUniqueOrThrow({ where: { rootOwnerId: session.userId } })).id;
    const { node } = await commitFileVersion(tx, {
      parentId,
      filename: session.filename,
      blobId: blob.id,
      size: input.size,
      mimeType: input.mimeType,
      createdById: session.userId,
      ownerId: session.chargedToId ?? session.userId,
      keepBoth: session.shareLinkId !== null || input.onConflict === "rename",
      shareLinkId: session.shareLinkId,
    });
    await tx.uploadSession.update({ where: { id: session.id }, data: { status: "COMPLETED", offset: input.size, reservedBytes: 0n, nodeId: node.id } });
    // In the same transaction: the file exists exactly when its verification is queued (a restart keeps both).
    await enqueueBlobVerification(tx, blob.id);
    return node;
  });
  return recordCompleted(session, node, Number(input.size));
}

export async function failUpload(uploadId: string, reason: string) {
  await endUnfinishedUpload(uploadId, "FAILED", reason);
}

/**
 * Ends an upload that will not commit (aborted, expired, failed): its quota reservation is
 * released and, for a visitor's drop, the bytes it held against the link's upload cap come back.
 * Only an ACTIVE session changes, once, so concurrent enders release nothing twice.
 */
export async function endUnfinishedUpload(uploadId: string, status: "ABORTED" | "FAILED", error: string | null = null) {
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const ended = await tx.uploadSession.updateManyAndReturn({
      where: { id: uploadId, status: "ACTIVE" },
      data: { status, error, reservedBytes: 0n },
      select: { shareLinkId: true, size: true },
    });
    const drop = ended[0];
    if (drop?.shareLinkId && drop.size) {
      await tx.$executeRaw`UPDATE "ShareLink" SET "uploadedBytes" = GREATEST(0, "uploadedBytes" - ${drop.size}) WHERE id = ${drop.shareLinkId}`;
    }
  });
}

/** The size of a committed upload, or null: lets tus answer HEAD after the store let go of it. */
export async function getCommittedUploadSize(uploadId: string): Promise<number | null> {
  const prisma = await getPrisma();
  const session = await prisma.uploadSession.findUnique({ where: { id: uploadId }, select: { status: true, offset: true } });
  return session?.status === "COMPLETED" ? Number(session.offset) : null;
}

export async function markUploadAborted(uploadId: string) {
  await endUnfinishedUpload(uploadId, "ABORTED");
}

/**
 * Cancels one of the caller's unfinished uploads from any device: its stored bytes are removed
 * (`removeData`, the tus store's) and the quota it held is released.
 */
export async function cancelUpload(input: { actor: Actor; uploadId: string; removeData: (id: string) => Promise<void> }) {
  const session = await requireUploadOwner({ actor: input.actor, uploadId: input.uploadId });
  if (session.status !== "ACTIVE") throw new AppError("NOT_FOUND", "upload.notFound");
  await input.removeData(input.uploadId).catch(() => {});
  await markUploadAborted(input.uploadId);
}

/**
 * The caller's unfinished uploads, so any browser can offer to resume or cancel them, and the
 * drops visitors are making through the caller's links (they hold the caller's quota).
 */
export async function listUnfinishedUploads(input: { actor: Actor }): Promise<UploadSessionDto[]> {
  const prisma = await getPrisma();
  const rows = await prisma.uploadSession.findMany({
    where: { userId: input.actor.userId, status: "ACTIVE", expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  const linkIds = [...new Set(rows.flatMap((r) => (r.shareLinkId ? [r.shareLinkId] : [])))];
  const links = linkIds.length
    ? await prisma.shareLink.findMany({ where: { id: { in: linkIds }, creatorId: input.actor.userId }, select: { id: true, label: true, tokenPrefix: true } })
    : [];
  const linkById = new Map(links.map((l) => [l.id, l]));
  return rows.map((r) => ({
    id: r.id,
    filename: r.filename,
    parentId: r.parentId,
    size: r.size === null ? null : Number(r.size),
    offset: Number(r.offset),
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    viaLink: r.shareLinkId ? (linkById.get(r.shareLinkId) ?? { id: r.shareLinkId, label: null, tokenPrefix: "" }) : null,
    direct: r.s3UploadId !== null,
  }));
}
