// Drops into an upload link over tus: the visitor carries the link's token in `X-Yunpan-Share`
// (plus the unlock cookie for a password), never a session. Files land only in the shared folder,
// are charged to its owner, never replace an existing file, and count against the link's size cap.
// What a drop holds of the owner's quota is bounded by the link (its cap, else SHARE_DROP_MAX_BYTES
// per drop), shown in the owner's unfinished uploads, given back when the link is revoked, and
// expires DROP_IDLE_MS after the last byte; starting drops is rate limited per link and address.
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import { formatBytes } from "@/server/i18n/messages";
import { headerOf, type HeadersLike } from "@/server/auth/request-auth";
import { recordAudit } from "@/server/audit/audit.service";
import { nodeNameSchema } from "@/server/drive/drive.schemas";
import { assertQuotaAllows } from "@/server/drive/quota";
import { logShareAccess, openLink } from "@/server/share/share-access.service";
import { dropperNameSchema } from "@/server/share/share.schemas";
import { enqueueDropNotice } from "@/server/notify/drops";
import { countAttempt } from "@/server/security/rate-limit";
import { DROP_IDLE_MS, endUnfinishedUpload, rememberUpload } from "@/server/upload/upload.service";
import type { DropTarget } from "@/server/upload/drop-target";
import { getSettings } from "@/server/settings/settings.service";

export const SHARE_HEADER = "x-yunpan-share";

export interface ShareVisitor {
  linkId: string;
  folderId: string;
  ownerId: string;
  ip: string | null;
  /** The link's own size cap (null: none, so each drop is bounded by SHARE_DROP_MAX_BYTES). */
  maxUploadBytes: bigint | null;
}

/**
 * The visitor of an upload link, or null when the request names no link (a signed-in upload).
 * `ip` is the client address the server determined (never a header the client could send).
 */
export async function authenticateShareUpload(headers: HeadersLike, ip: string | null): Promise<ShareVisitor | null> {
  const token = headerOf(headers, SHARE_HEADER);
  if (!token) return null;
  const link = await openLink({ token, cookieHeader: headerOf(headers, "cookie"), need: "upload" });
  if (link.node.kind !== "FOLDER") throw new AppError("FORBIDDEN", "share.noUpload");
  return {
    linkId: link.id,
    folderId: link.nodeId,
    ownerId: link.node.ownerId,
    ip,
    maxUploadBytes: link.maxUploadBytes,
  };
}

/** An upload a visitor of this link started; any other id answers "not found". */
export async function requireShareUpload(input: { visitor: ShareVisitor; uploadId: string }) {
  const prisma = await getPrisma();
  const session = await prisma.uploadSession.findUnique({ where: { id: input.uploadId } });
  if (!session || session.shareLinkId !== input.visitor.linkId) throw new AppError("NOT_FOUND", "upload.notFound");
  rememberUpload(session);
  return session;
}

/**
 * Opens a drop: the size must be declared, fit the link's remaining room (a conditional increment,
 * exact under concurrent drops; a link without a cap takes SHARE_DROP_MAX_BYTES per drop) and the
 * owner's quota. Folder fields of the metadata are ignored.
 */
export async function createShareUploadSession(input: { visitor: ShareVisitor; uploadId: string; size: number | null; metadata: Record<string, string | null> }) {
  const env = getEnv();
  await countAttempt("shareDropLink", input.visitor.linkId);
  await countAttempt("shareDropIp", input.visitor.ip ?? "unknown");
  if (input.size === null) throw new AppError("BAD_REQUEST", "share.uploadLength");
  const { maxUploadBytes } = await getSettings();
  if (input.size > maxUploadBytes) throw new AppError("PAYLOAD_TOO_LARGE", "upload.tooLarge", { max: formatBytes(maxUploadBytes) });
  if (input.visitor.maxUploadBytes === null && input.size > env.shareDropMaxBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", "share.dropTooLarge", { max: formatBytes(env.shareDropMaxBytes) });
  }
  const filename = nodeNameSchema.parse(input.metadata.filename ?? "");
  const size = BigInt(input.size);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const room = await tx.$executeRaw`
      UPDATE "ShareLink" SET "uploadedBytes" = "uploadedBytes" + ${size}
      WHERE id = ${input.visitor.linkId} AND ("maxUploadBytes" IS NULL OR "uploadedBytes" + ${size} <= "maxUploadBytes")`;
    if (room !== 1) {
      const link = await tx.shareLink.findUniqueOrThrow({ where: { id: input.visitor.linkId } });
      throw new AppError("PAYLOAD_TOO_LARGE", "share.uploadFull", { max: formatBytes(Number(link.maxUploadBytes ?? 0n)) });
    }
    await assertQuotaAllows(tx, input.visitor.ownerId, size);
    await tx.uploadSession.create({
      data: {
        id: input.uploadId,
        userId: input.visitor.ownerId,
        chargedToId: input.visitor.ownerId,
        parentId: input.visitor.folderId,
        shareLinkId: input.visitor.linkId,
        filename,
        size,
        reservedBytes: size,
        // A drop that sends nothing lets go of the owner's quota soon (progress pushes this back).
        expiresAt: new Date(Date.now() + DROP_IDLE_MS),
      },
    });
  });
  rememberUpload({ id: input.uploadId, userId: input.visitor.ownerId, size });
}

/**
 * Ends the unfinished drops of a link that no longer takes them (revoked, deleted): their bytes
 * are removed (`removeData`, the tus store's) and what they held of the owner's quota and of the
 * link's cap is given back.
 */
export async function endLinkDrops(input: { linkId: string; removeData: (uploadId: string) => Promise<void> }) {
  const prisma = await getPrisma();
  const drops = await prisma.uploadSession.findMany({ where: { shareLinkId: input.linkId, status: "ACTIVE" }, select: { id: true } });
  for (const { id } of drops) {
    await endUnfinishedUpload(id, "ABORTED", "link closed");
    await input.removeData(id).catch(() => {});
  }
}

/** After a drop committed: the link's access log, the audit trail and the owner's batched notice. */
export async function recordShareDrop(input: { visitor: ShareVisitor; nodeId: string; filename: string; size: number; metadata: Record<string, string | null> | undefined }) {
  const dropper = dropperNameSchema.parse(input.metadata?.name ?? null) || null;
  await logShareAccess({ linkId: input.visitor.linkId, ip: input.visitor.ip, action: "upload", bytes: input.size });
  await recordAudit({
    actorId: null,
    action: "share.drop",
    targetType: "shareLink",
    targetId: input.visitor.linkId,
    meta: { ip: input.visitor.ip },
    // No account acted: the visitor is known by the link (`viaShareLink`) and the name they typed.
    data: { nodeId: input.nodeId, filename: input.filename, size: input.size, name: dropper, viaShareLink: input.visitor.linkId },
  });
  await enqueueDropNotice(input.visitor.linkId);
}

/** What the tus server calls for a request carrying an upload link's token (registered by the runtime). */
export const shareDropTarget: DropTarget<ShareVisitor> = {
  authenticate: authenticateShareUpload,
  requireSession: requireShareUpload,
  createSession: createShareUploadSession,
  recordDrop: recordShareDrop,
};
