// Drops into an upload link over tus: the visitor carries the link's token in `X-Yunpan-Share`
// (plus the unlock cookie for a password), never a session. Files land only in the shared folder,
// are charged to its owner, never replace an existing file, and count against the link's size cap.
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import { formatBytes } from "@/server/i18n/messages";
import { headerOf, type HeadersLike } from "@/server/auth/request-auth";
import { recordAudit } from "@/server/audit/audit.service";
import { nodeNameSchema } from "@/server/drive/drive.schemas";
import { assertQuotaAllows } from "@/server/upload/quota";
import { logShareAccess, openLink } from "@/server/share/share-access.service";
import { dropperNameSchema } from "@/server/share/share.schemas";
import { enqueueDropNotice } from "@/server/notify/drops";

export const SHARE_HEADER = "x-yunpan-share";

export interface ShareVisitor {
  linkId: string;
  folderId: string;
  ownerId: string;
  ip: string | null;
}

/** The visitor of an upload link, or null when the request names no link (a signed-in upload). */
export async function authenticateShareUpload(headers: HeadersLike): Promise<ShareVisitor | null> {
  const token = headerOf(headers, SHARE_HEADER);
  if (!token) return null;
  const link = await openLink({ token, cookieHeader: headerOf(headers, "cookie"), need: "upload" });
  if (link.node.kind !== "FOLDER") throw new AppError("FORBIDDEN", "share.noUpload");
  return { linkId: link.id, folderId: link.nodeId, ownerId: link.node.ownerId, ip: headerOf(headers, "x-yunpan-client-ip") || null };
}

/** An upload a visitor of this link started; any other id answers "not found". */
export async function requireShareUpload(input: { visitor: ShareVisitor; uploadId: string }) {
  const prisma = await getPrisma();
  const session = await prisma.uploadSession.findUnique({ where: { id: input.uploadId } });
  if (!session || session.shareLinkId !== input.visitor.linkId) throw new AppError("NOT_FOUND", "upload.notFound");
  return session;
}

/**
 * Opens a drop: the size must be declared, fit the link's remaining room (a conditional increment,
 * exact under concurrent drops) and the owner's quota. Folder fields of the metadata are ignored.
 */
export async function createShareUploadSession(input: { visitor: ShareVisitor; uploadId: string; size: number | null; metadata: Record<string, string | null> }) {
  const env = getEnv();
  if (input.size === null) throw new AppError("BAD_REQUEST", "share.uploadLength");
  if (input.size > env.maxUploadBytes) throw new AppError("PAYLOAD_TOO_LARGE", "upload.tooLarge", { max: formatBytes(env.maxUploadBytes) });
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
        expiresAt: new Date(Date.now() + env.uploadExpiryHours * 3600_000),
      },
    });
  });
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
