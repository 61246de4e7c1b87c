import type { Readable } from "node:stream";
import { getPrisma } from "@/server/db/client";
import { requireNodeAccess } from "@/server/drive/access";
import { notFound } from "@/server/errors/app-error";
import { enqueueJob, registerJobHandler } from "@/server/jobs/queue";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import type { Actor } from "@/server/auth/actor";
import { THUMBNAIL_TYPES } from "@/server/thumbnails/thumbnail-types";
import { loadSharp } from "@/server/images/load-sharp";
import type { Prisma, PrismaClient } from "@/server/db/generated/client.ts";

/** The longest side of a thumbnail, in pixels (grid tiles are ~160 CSS px; 2x for sharp screens). */
export const THUMBNAIL_SIZE = 320;
/** Bigger pictures are not decoded for a thumbnail (the grid shows an icon). */
export const THUMBNAIL_MAX_BYTES = 100 * 1024 * 1024;
const MAX_PIXELS = 100_000_000;
const JOB = "thumbnail.make";


export function canThumbnail(mimeType: string | null | undefined, size: bigint | number): boolean {
  return !!mimeType && THUMBNAIL_TYPES.has(mimeType) && Number(size) > 0 && Number(size) <= THUMBNAIL_MAX_BYTES;
}

/**
 * Queues a thumbnail for a blob just committed as `mimeType`, inside the committing transaction.
 * Keyed by blob: identical pictures (dedup, copies, instant uploads) share one thumbnail.
 */
export async function enqueueThumbnail(tx: Prisma.TransactionClient | PrismaClient, input: { blobId: string; mimeType: string | null; size: bigint | number }) {
  if (!canThumbnail(input.mimeType, input.size)) return;
  const existing = await tx.thumbnail.findUnique({ where: { blobId: input.blobId }, select: { blobId: true } });
  if (existing) return;
  await enqueueJob(JOB, { blobId: input.blobId }, { dedupeKey: `thumb:${input.blobId}` }, tx);
}

/**
 * Makes and stores the WebP thumbnail of one blob. A picture that does not decode is recorded as
 * failed (no retry: the bytes will not change); a store that cannot be read throws, so the queue
 * retries later.
 */
export async function makeThumbnail(input: { blobId: string }): Promise<{ status: string }> {
  const prisma = await getPrisma();
  const done = await prisma.thumbnail.findUnique({ where: { blobId: input.blobId }, select: { status: true } });
  if (done) return { status: done.status };
  const blob = await prisma.blob.findUnique({ where: { id: input.blobId } });
  if (!blob) return { status: "gone" };
  // Bytes that failed their checksum are never read for anyone, a picture of them included.
  if (blob.integrity === "QUARANTINED") return { status: "quarantined" };
  if (Number(blob.size) > THUMBNAIL_MAX_BYTES) {
    await prisma.thumbnail.createMany({ data: [{ blobId: blob.id, status: "unsupported" }], skipDuplicates: true });
    return { status: "unsupported" };
  }
  const sharp = await loadSharp();
  const source: Readable = await getBlobStore().read(blob.storageKey);
  let readError: unknown = null;
  source.on("error", (e) => (readError = e));
  const decoder = sharp({ limitInputPixels: MAX_PIXELS, sequentialRead: true, animated: false, failOn: "error" });
  source.pipe(decoder);
  try {
    const { data, info } = await decoder
      .rotate() // upright by its EXIF orientation
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 72, effort: 4 })
      .toBuffer({ resolveWithObject: true });
    await prisma.thumbnail.createMany({
      data: [{ blobId: blob.id, status: "ready", width: info.width, height: info.height, data: new Uint8Array(data) }],
      skipDuplicates: true,
    });
    return { status: "ready" };
  } catch (e) {
    if (readError) throw readError;
    await prisma.thumbnail.createMany({ data: [{ blobId: blob.id, status: "failed", error: String((e as Error).message).slice(0, 500) }], skipDuplicates: true });
    return { status: "failed" };
  } finally {
    source.destroy();
  }
}

registerJobHandler(JOB, (payload: { blobId: string }) => makeThumbnail(payload));

/** The thumbnail of a file's current version, for whoever may read the file; not-found otherwise. */
export async function getThumbnail(input: { actor: Actor; nodeId: string }): Promise<{ data: Buffer; etag: string }> {
  const node = await requireNodeAccess({ actor: input.actor, nodeId: input.nodeId, need: "read" });
  if (node.kind !== "FILE" || !node.currentVersionId) throw notFound();
  const prisma = await getPrisma();
  const version = await prisma.fileVersion.findUnique({
    where: { id: node.currentVersionId },
    select: { blob: { select: { sha256: true, integrity: true, thumbnail: { select: { status: true, data: true } } } } },
  });
  const thumb = version?.blob.thumbnail;
  if (!thumb || thumb.status !== "ready" || !thumb.data || version.blob.integrity === "QUARANTINED") throw notFound();
  return { data: Buffer.from(thumb.data), etag: `"t-${version.blob.sha256}"` };
}

/**
 * The thumbnail of the blob with this sha256, for a signed thumbnail URL (checked by its MAC: no
 * access query). A quarantined blob has none; not made yet: not-found.
 */
export async function getThumbnailBySha256(sha256: string): Promise<{ data: Buffer; etag: string }> {
  const prisma = await getPrisma();
  const blob = await prisma.blob.findUnique({ where: { backend_sha256: { backend: getBlobStore().backend, sha256 } }, select: { integrity: true, thumbnail: { select: { status: true, data: true } } } });
  const thumb = blob?.thumbnail;
  if (!thumb || thumb.status !== "ready" || !thumb.data || blob.integrity === "QUARANTINED") throw notFound();
  return { data: Buffer.from(thumb.data), etag: `"t-${sha256}"` };
}

/**
 * Queues thumbnails for pictures that have none (files from before thumbnails existed, or whose
 * job was lost). A periodic job; a few hundred per run.
 */
export async function backfillThumbnails(limit = 200): Promise<{ queued: number }> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ blobId: string; mimeType: string; size: bigint }[]>`
    SELECT DISTINCT b.id AS "blobId", n."mimeType", b.size
      FROM "Node" n JOIN "FileVersion" v ON v.id = n."currentVersionId" JOIN "Blob" b ON b.id = v."blobId"
      LEFT JOIN "Thumbnail" t ON t."blobId" = b.id
     WHERE n.kind = 'FILE' AND n."trashedAt" IS NULL AND t."blobId" IS NULL
       AND n."mimeType" = ANY(${[...THUMBNAIL_TYPES]})
     LIMIT ${limit}`;
  let queued = 0;
  for (const r of rows) {
    if (!canThumbnail(r.mimeType, r.size)) continue;
    if (await enqueueJob(JOB, { blobId: r.blobId }, { dedupeKey: `thumb:${r.blobId}` })) queued++;
  }
  return { queued };
}
