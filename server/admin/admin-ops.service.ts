import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { requireAdmin } from "@/server/auth/auth.service";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { markUploadAborted } from "@/server/upload/upload.service";
import { listSharesSchema, type AuditFilter } from "@/server/admin/admin.schemas";
import type { Prisma } from "@/server/db/generated/client.ts";
import type { Actor } from "@/server/auth/actor";
import { liveLinkWhere } from "@/server/share/share-link.service";
import { linkStatus, type LinkStatus } from "@/server/share/link-status";

export interface AdminShareDto {
  id: string;
  tokenPrefix: string;
  label: string | null;
  owner: { id: string; email: string; name: string };
  target: { id: string; name: string; kind: "FILE" | "FOLDER"; trashed: boolean };
  permission: "VIEW" | "DOWNLOAD" | "UPLOAD" | "DOWNLOAD_UPLOAD";
  hasPassword: boolean;
  expiresAt: Date | null;
  maxDownloads: number | null;
  downloadCount: number;
  revokedAt: Date | null;
  lastAccessAt: Date | null;
  createdAt: Date;
  /** The same rule as the owner's My links (linkStatus), plus the owner's account being disabled. */
  status: LinkStatus | "ownerDisabled";
}

/** Every share link, newest first, searchable by owner, target name or label. */
export async function listSharesForAdmin(input: { actor: Actor; search?: string; status?: "live" | "all"; page?: number; pageSize?: number }) {
  requireAdmin(input.actor);
  const { search, status, page, pageSize } = listSharesSchema.parse(input);
  const prisma = await getPrisma();
  const now = new Date();
  const where: Prisma.ShareLinkWhereInput = {
    AND: [
      status === "live" ? await liveLinkWhere(now) : {},
      search
        ? {
            OR: [
              { creator: { email: { contains: search, mode: "insensitive" } } },
              { node: { name: { contains: search, mode: "insensitive" } } },
              { label: { contains: search, mode: "insensitive" } },
              { tokenPrefix: { startsWith: search } },
            ],
          }
        : {},
    ],
  };
  const [total, rows] = await Promise.all([
    prisma.shareLink.count({ where }),
    prisma.shareLink.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: {
        creator: { select: { id: true, email: true, name: true, disabledAt: true } },
        node: { select: { id: true, name: true, kind: true, trashedAt: true } },
      },
    }),
  ]);
  return {
    total,
    page,
    pageSize,
    items: rows.map(
      (r): AdminShareDto => ({
        id: r.id,
        tokenPrefix: r.tokenPrefix,
        label: r.label,
        owner: { id: r.creator.id, email: r.creator.email, name: r.creator.name },
        target: { id: r.node.id, name: r.node.name, kind: r.node.kind, trashed: r.node.trashedAt !== null },
        permission: r.permission,
        hasPassword: r.passwordHash !== null,
        expiresAt: r.expiresAt,
        maxDownloads: r.maxDownloads,
        downloadCount: r.downloadCount,
        revokedAt: r.revokedAt,
        lastAccessAt: r.lastAccessAt,
        createdAt: r.createdAt,
        status: linkStatus(r, now) === "active" && r.creator.disabledAt ? "ownerDisabled" : linkStatus(r, now),
      }),
    ),
  };
}

export async function revokeShareAsAdmin(input: { actor: Actor; meta?: RequestMeta; linkId: string }) {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const link = await prisma.shareLink.findUnique({ where: { id: input.linkId }, select: { id: true, creatorId: true, nodeId: true, revokedAt: true } });
  if (!link) throw new AppError("NOT_FOUND", "admin.linkNotFound");
  if (!link.revokedAt) await prisma.shareLink.update({ where: { id: link.id }, data: { revokedAt: new Date() } });
  await recordAudit({ actorId: input.actor.userId, action: "admin.share.revoke", targetType: "shareLink", targetId: link.id, meta: input.meta, data: { ownerId: link.creatorId, nodeId: link.nodeId } });
}

export interface AdminUploadDto {
  id: string;
  user: { id: string; email: string; name: string };
  filename: string;
  size: number | null;
  offset: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  viaShareLink: boolean;
}

/** Uploads in flight on the whole server, oldest activity last. */
export async function listUploadsInFlight(input: { actor: Actor }) {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const rows = await prisma.uploadSession.findMany({
    where: { status: "ACTIVE", expiresAt: { gt: new Date() } },
    orderBy: { updatedAt: "desc" },
    take: 200,
    include: { user: { select: { id: true, email: true, name: true } } },
  });
  return rows.map(
    (r): AdminUploadDto => ({
      id: r.id,
      user: r.user,
      filename: r.filename,
      size: r.size === null ? null : Number(r.size),
      offset: Number(r.offset),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      expiresAt: r.expiresAt,
      viaShareLink: r.shareLinkId !== null,
    }),
  );
}

/**
 * Aborts someone's upload: its stored bytes go (`removeData`, the tus store's), its quota
 * reservation is released, and the uploader's next request for it answers "not found".
 */
export async function abortUploadAsAdmin(input: { actor: Actor; meta?: RequestMeta; uploadId: string; removeData: (id: string) => Promise<void> }) {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const session = await prisma.uploadSession.findUnique({ where: { id: input.uploadId }, select: { id: true, status: true, userId: true, filename: true, size: true, offset: true } });
  if (!session || session.status !== "ACTIVE") throw new AppError("NOT_FOUND", "upload.notFound");
  // Marked first: a PATCH arriving meanwhile is refused instead of writing into removed data.
  await markUploadAborted(session.id);
  await input.removeData(session.id).catch(() => {});
  await recordAudit({
    actorId: input.actor.userId,
    action: "admin.upload.abort",
    targetType: "upload",
    targetId: session.id,
    meta: input.meta,
    data: { userId: session.userId, filename: session.filename, size: session.size === null ? null : Number(session.size), offset: Number(session.offset) },
  });
}

export type { AuditFilter };
