import { z } from "zod";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { AppError, notFound } from "@/server/errors/app-error";
import { requireNodeAccess, teamRoleOf } from "@/server/drive/access";
import { hashPassword } from "@/server/auth/password";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { hashShareToken, newShareToken } from "@/server/security/share-token";
import { accessLogSchema, canUpload, createLinkSchema, linkRefSchema, listLinksSchema, updateLinkSchema, type SharePermission } from "@/server/share/share.schemas";
import { enqueueLinkInvitations } from "@/server/share/share-mail";
import { endLinkDrops } from "@/server/share/share-upload.service";
import type { Actor } from "@/server/auth/actor";
import type { Prisma, ShareLink } from "@/server/db/generated/client.ts";
import { linkStatus, type LinkStatus } from "@/server/share/link-status";
import { getSettings } from "@/server/settings/settings.service";
import { msg } from "@/server/i18n/issue";

const DAY_MS = 86_400_000;

/** A refusal under one form field, as a zod issue, so the link form shows it beside that field. */
function fieldError(field: string, message: string): z.ZodError {
  // ZodRealError is what schema.parse throws: an Error subclass, so tRPC keeps it as the cause.
  return new z.ZodRealError([{ code: "custom", path: [field], message, input: undefined }]);
}

/**
 * The site's share-link rules (Admin → Settings): a password when required, an expiry within the
 * longest allowed (a link without one gets the longest). `hasPassword` is what the link will have.
 */
async function checkLinkRules(input: { hasPassword: boolean; expiresAt: Date | null | undefined; creating: boolean }): Promise<{ expiresAt: Date | null | undefined }> {
  const rules = await getSettings();
  if (rules.sharePasswordRequired && !input.hasPassword) throw fieldError("password", msg("share.passwordRequired"));
  const days = rules.shareMaxExpiryDays;
  if (days === null || input.expiresAt === undefined) return { expiresAt: input.expiresAt };
  const latest = Date.now() + days * DAY_MS;
  if (input.expiresAt === null) {
    if (input.creating) return { expiresAt: new Date(latest) };
    throw fieldError("expiresAt", msg("share.expiryRequired", { days }));
  }
  // A minute of slack: a form that offered "the longest" a moment ago is still within it.
  if (input.expiresAt.getTime() > latest + 60_000) throw fieldError("expiresAt", msg("share.expiryTooLong", { days }));
  return { expiresAt: input.expiresAt };
}


export interface ShareLinkDto {
  id: string;
  nodeId: string;
  nodeName: string;
  nodeKind: "FILE" | "FOLDER";
  tokenPrefix: string;
  label: string | null;
  permission: SharePermission;
  hasPassword: boolean;
  expiresAt: Date | null;
  maxDownloads: number | null;
  downloadCount: number;
  maxUploadBytes: number | null;
  uploadedBytes: number;
  revokedAt: Date | null;
  lastAccessAt: Date | null;
  createdAt: Date;
  status: LinkStatus;
}

/** The database twin of linkStatus(...) === "active": not revoked, not expired, downloads left. */
export async function liveLinkWhere(now = new Date()): Promise<Prisma.ShareLinkWhereInput> {
  const prisma = await getPrisma();
  return {
    revokedAt: null,
    AND: [
      { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      { OR: [{ maxDownloads: null }, { downloadCount: { lt: prisma.shareLink.fields.maxDownloads } }] },
    ],
  };
}

function toDto(l: ShareLink & { node: { name: string; kind: "FILE" | "FOLDER" } }): ShareLinkDto {
  return {
    id: l.id,
    nodeId: l.nodeId,
    nodeName: l.node.name,
    nodeKind: l.node.kind,
    tokenPrefix: l.tokenPrefix,
    label: l.label,
    permission: l.permission,
    hasPassword: l.passwordHash !== null,
    expiresAt: l.expiresAt,
    maxDownloads: l.maxDownloads,
    downloadCount: l.downloadCount,
    maxUploadBytes: l.maxUploadBytes === null ? null : Number(l.maxUploadBytes),
    uploadedBytes: Number(l.uploadedBytes),
    revokedAt: l.revokedAt,
    lastAccessAt: l.lastAccessAt,
    createdAt: l.createdAt,
    status: linkStatus(l),
  };
}

export function shareUrl(token: string): string {
  return `${getEnv().baseUrl}/s/${token}`;
}

/**
 * Only the owner of a node makes links to it (a teammate's grant does not pass on); in a team
 * folder, its managers do.
 */
async function requireOwnedNode(actor: Actor, nodeId: string) {
  const node = await requireNodeAccess({ actor, nodeId, need: "read" });
  if (node.ownerId !== actor.userId && (await teamRoleOf(actor.userId, node.ownerId)) !== "MANAGER") throw notFound();
  return node;
}

async function requireOwnLink(actor: Actor, linkId: string) {
  const prisma = await getPrisma();
  const link = await prisma.shareLink.findUnique({ where: { id: linkId }, include: { node: { select: { name: true, kind: true, ownerId: true } } } });
  // Someone else's link answers exactly like a missing one.
  if (!link || link.creatorId !== actor.userId) throw new AppError("NOT_FOUND", "share.notFound");
  return link;
}

/**
 * Makes a link. The password is hashed before anything is written, so a link is created with its
 * password or not at all. The token is returned this once; only its hash is kept.
 */
export async function createShareLink(input: { actor: Actor; meta?: RequestMeta } & z.input<typeof createLinkSchema>) {
  const data = createLinkSchema.parse(input);
  const node = await requireOwnedNode(input.actor, data.nodeId);
  if (node.rootOwnerId !== null) throw new AppError("BAD_REQUEST", "share.rootNotShareable");
  if ((data.permission === "UPLOAD" || data.permission === "DOWNLOAD_UPLOAD") && node.kind !== "FOLDER") {
    throw new AppError("BAD_REQUEST", "node.notFolder");
  }
  const prisma = await getPrisma();
  if (node.kind === "FILE" && node.currentVersionId) {
    const current = await prisma.fileVersion.findUnique({ where: { id: node.currentVersionId }, select: { blob: { select: { integrity: true } } } });
    if (current?.blob.integrity === "QUARANTINED") throw new AppError("FORBIDDEN", "file.quarantined", { name: node.name });
  }
  const rules = await checkLinkRules({ hasPassword: !!data.password, expiresAt: data.expiresAt ?? null, creating: true });
  // A limit the creator did not mention starts at the site's default (null: they chose none).
  const maxDownloads = data.maxDownloads === undefined ? (await getSettings()).shareDefaultMaxDownloads : data.maxDownloads;
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  const token = newShareToken();
  const link = await prisma.$transaction(async (tx) => {
    const link = await tx.shareLink.create({
      data: {
        nodeId: node.id,
        creatorId: input.actor.userId,
        tokenHash: hashShareToken(token),
        tokenPrefix: token.slice(0, 4),
        label: data.label || null,
        permission: data.permission,
        passwordHash,
        expiresAt: rules.expiresAt ?? null,
        maxDownloads: maxDownloads ?? null,
        maxUploadBytes: data.maxUploadBytes === null || data.maxUploadBytes === undefined ? null : BigInt(data.maxUploadBytes),
      },
      include: { node: { select: { name: true, kind: true } } },
    });
    if (data.recipients?.length) {
      await enqueueLinkInvitations(tx, { senderId: input.actor.userId, linkId: link.id, token, recipients: data.recipients });
    }
    return link;
  });
  await recordAudit({ actorId: input.actor.userId, action: "share.create", targetType: "shareLink", targetId: link.id, meta: input.meta, data: { nodeId: node.id, permission: data.permission } });
  return { link: toDto(link), token, url: shareUrl(token) };
}

/** Deletes an unfinished upload's bytes from the tus store (the router passes the store's). */
type RemoveUploadData = (uploadId: string) => Promise<void>;

/**
 * Edits a link. A new or removed password bumps its version, which ends every earlier unlock; a
 * link that stops taking uploads ends the drops in flight.
 */
export async function updateShareLink(input: { actor: Actor; meta?: RequestMeta; removeData: RemoveUploadData } & z.input<typeof updateLinkSchema>) {
  const data = updateLinkSchema.parse(input);
  const link = await requireOwnLink(input.actor, data.linkId);
  const permission = data.permission ?? link.permission;
  if ((permission === "UPLOAD" || permission === "DOWNLOAD_UPLOAD") && link.node.kind !== "FOLDER") {
    throw new AppError("BAD_REQUEST", "node.notFolder");
  }
  await checkLinkRules({ hasPassword: data.password === undefined ? link.passwordHash !== null : data.password !== null, expiresAt: data.expiresAt, creating: false });
  const passwordChange =
    data.password === undefined ? {} : { passwordHash: data.password === null ? null : await hashPassword(data.password), passwordVersion: { increment: 1 } };
  const prisma = await getPrisma();
  const updated = await prisma.shareLink.update({
    where: { id: link.id },
    data: {
      permission,
      ...passwordChange,
      ...(data.expiresAt !== undefined ? { expiresAt: data.expiresAt } : {}),
      ...(data.maxDownloads !== undefined ? { maxDownloads: data.maxDownloads } : {}),
      ...(data.maxUploadBytes !== undefined ? { maxUploadBytes: data.maxUploadBytes === null ? null : BigInt(data.maxUploadBytes) } : {}),
      ...(data.label !== undefined ? { label: data.label || null } : {}),
    },
    include: { node: { select: { name: true, kind: true } } },
  });
  if (!canUpload(permission)) await endLinkDrops({ linkId: link.id, removeData: input.removeData });
  await recordAudit({ actorId: input.actor.userId, action: "share.update", targetType: "shareLink", targetId: link.id, meta: input.meta, data: { passwordChanged: data.password !== undefined } });
  return toDto(updated);
}

/** Turns a link off; the drops visitors had in flight through it end and give back their quota. */
export async function revokeShareLink(input: { actor: Actor; linkId: string; meta?: RequestMeta; removeData: RemoveUploadData }) {
  const { linkId } = linkRefSchema.parse(input);
  const link = await requireOwnLink(input.actor, linkId);
  const prisma = await getPrisma();
  const updated = await prisma.shareLink.update({
    where: { id: link.id },
    data: { revokedAt: link.revokedAt ?? new Date() },
    include: { node: { select: { name: true, kind: true } } },
  });
  await endLinkDrops({ linkId: link.id, removeData: input.removeData });
  await recordAudit({ actorId: input.actor.userId, action: "share.revoke", targetType: "shareLink", targetId: link.id, meta: input.meta });
  return toDto(updated);
}

/** Removes a link for good (with its access log), ending the drops in flight through it. */
export async function deleteShareLink(input: { actor: Actor; linkId: string; meta?: RequestMeta; removeData: RemoveUploadData }) {
  const { linkId } = linkRefSchema.parse(input);
  const link = await requireOwnLink(input.actor, linkId);
  const prisma = await getPrisma();
  await endLinkDrops({ linkId: link.id, removeData: input.removeData });
  await prisma.shareLink.delete({ where: { id: link.id } });
  await recordAudit({ actorId: input.actor.userId, action: "share.delete", targetType: "shareLink", targetId: link.id, meta: input.meta });
}

/** My links (or those of one of my nodes), newest first; trashed nodes' links are left out. */
export async function listMyShareLinks(input: { actor: Actor; nodeId?: string | null }): Promise<ShareLinkDto[]> {
  const { nodeId } = listLinksSchema.parse(input);
  const prisma = await getPrisma();
  const rows = await prisma.shareLink.findMany({
    where: { creatorId: input.actor.userId, ...(nodeId ? { nodeId } : {}), node: { trashedAt: null } },
    orderBy: { createdAt: "desc" },
    take: 500,
    include: { node: { select: { name: true, kind: true } } },
  });
  return rows.map(toDto);
}

export async function listShareAccesses(input: { actor: Actor; linkId: string; limit?: number }) {
  const { linkId, limit } = accessLogSchema.parse(input);
  const link = await requireOwnLink(input.actor, linkId);
  const prisma = await getPrisma();
  const rows = await prisma.shareAccess.findMany({ where: { linkId: link.id }, orderBy: { at: "desc" }, take: limit });
  return rows.map((r) => ({ id: r.id, at: r.at, ip: r.ip, action: r.action, bytes: r.bytes === null ? null : Number(r.bytes) }));
}
