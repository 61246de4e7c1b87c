// What a visitor of /s/{token} may do: every public path (page, preview, download, zip, tus drop)
// resolves the link through here, so the status, the password gate and the subtree confinement are
// decided in one place, on every request (nothing is cached).
import { randomUUID } from "node:crypto";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { verifyPassword } from "@/server/auth/password";
import { signToken, verifyToken } from "@/server/security/signed-token";
import { admitPasswordAttempt, recordPasswordFailure, recordPasswordSuccess, type PasswordGuard } from "@/server/security/password-guard";
import { parseCookies } from "@/server/auth/request-auth";
import { budgetLeft, returnToBudget, takeFromBudget } from "@/server/security/rate-limit";
import { toNodeDto, type NodeDto } from "@/server/drive/drive.service";
import { hashShareToken } from "@/server/security/share-token";
import { linkStatus, type LinkStatus } from "@/server/share/link-status";
import { canDownload, canList, canUpload, nodeIdsSchemaForLink, shareTokenSchema, type SharePermission } from "@/server/share/share.schemas";
import type { Node, ShareLink } from "@/server/db/generated/client.ts";

export type LinkWithNode = ShareLink & { node: Node; creator: { name: string } };

const UNLOCK_PURPOSE = "share-unlock";
const UNLOCK_TTL_SECONDS = 12 * 3600;

/** The unlock cookie of one link: per link, so unlocking one link opens no other. */
export function unlockCookieName(linkId: string): string {
  return `yps_${linkId.replace(/-/g, "").slice(0, 16)}`;
}

/**
 * The link a token names, whatever its status; NOT_FOUND when there is none, when its file is in
 * the trash, or when its creator's account is disabled or being deleted (the link then simply
 * does not exist for anyone).
 */
export async function findLinkOrThrow(token: string): Promise<LinkWithNode> {
  if (!shareTokenSchema.safeParse(token).success) throw new AppError("NOT_FOUND", "share.notFound");
  const prisma = await getPrisma();
  const link = await prisma.shareLink.findUnique({
    where: { tokenHash: hashShareToken(token) },
    include: { node: true, creator: { select: { name: true, disabledAt: true, deletionRequestedAt: true } } },
  });
  if (!link || link.node.trashedAt || link.creator.disabledAt || link.creator.deletionRequestedAt) throw new AppError("NOT_FOUND", "share.notFound");
  return link;
}

/** Why visitors are turned away (410), or null. A drop box stays open when only downloads ran out. */
export function goneReason(link: ShareLink, now = new Date()): Exclude<LinkStatus, "active"> | null {
  const status = linkStatus(link, now);
  if (status === "active" || (status === "exhausted" && canUpload(link.permission))) return null;
  return status;
}

export function goneError(status: Exclude<LinkStatus, "active">): AppError {
  return new AppError("GONE", `share.${status}`);
}

export function isUnlocked(link: ShareLink, cookieHeader: string | null | undefined): boolean {
  if (!link.passwordHash) return true;
  const cookie = parseCookies(cookieHeader ?? undefined)[unlockCookieName(link.id)];
  if (!cookie) return false;
  const payload = verifyToken<{ l: string; v: number }>(UNLOCK_PURPOSE, cookie);
  // Bound to this link and its current password: a changed password ends every earlier unlock.
  return payload?.l === link.id && payload.v === link.passwordVersion;
}

export type LinkNeed = "open" | "list" | "preview" | "download" | "upload";

/**
 * The live, unlocked link for a request, or the reason it cannot be used: NOT_FOUND, GONE (revoked,
 * expired, exhausted), FORBIDDEN `share.locked` until the password was given, FORBIDDEN when the
 * permission does not cover `need`.
 */
export async function openLink(input: { token: string; cookieHeader?: string | null; need: LinkNeed; now?: Date; allowExhausted?: boolean }): Promise<LinkWithNode> {
  const link = await findLinkOrThrow(input.token);
  const status = linkStatus(link, input.now ?? new Date());
  // A used-up link may still finish a download it counted (allowExhausted) or take drops.
  if (status === "exhausted" && (input.allowExhausted || input.need === "upload")) {
    // fall through to the other checks
  } else if (status !== "active") {
    throw goneError(status);
  }
  if (!isUnlocked(link, input.cookieHeader)) throw new AppError("FORBIDDEN", "share.locked");
  requirePermission(link.permission, input.need);
  return link;
}

export function requirePermission(permission: SharePermission, need: LinkNeed) {
  if (need === "download" && !canDownload(permission)) throw new AppError("FORBIDDEN", permission === "UPLOAD" ? "share.noList" : "share.noDownload");
  if ((need === "list" || need === "preview") && !canList(permission)) throw new AppError("FORBIDDEN", "share.noList");
  if (need === "upload" && !canUpload(permission)) throw new AppError("FORBIDDEN", "share.noUpload");
}

/**
 * Checks a password and returns the unlock cookie's name and value. Guessing is throttled per
 * address and per (link, address); the link as a whole is only slowed, and not for addresses it
 * was unlocked from lately (password-guard.ts), so guessers cannot lock its visitors out.
 */
export async function unlockLink(input: { token: string; password: string; ip: string | null }) {
  const link = await findLinkOrThrow(input.token);
  const gone = goneReason(link);
  if (gone) throw goneError(gone);
  if (link.passwordHash) {
    const ip = input.ip || "unknown";
    const guard: PasswordGuard = { kind: "shareUnlock", subject: link.id, ip, isFamiliarAddress: () => wasUnlockedFrom(link.id, ip) };
    await admitPasswordAttempt(guard);
    if (!(await verifyPassword(link.passwordHash, input.password))) {
      await logShareAccess({ linkId: link.id, ip: input.ip, action: "unlock-failed" });
      await recordPasswordFailure(guard);
      throw new AppError("FORBIDDEN", "share.wrongPassword");
    }
    await recordPasswordSuccess(guard);
    await logShareAccess({ linkId: link.id, ip: input.ip, action: "unlock" });
  }
  return {
    name: unlockCookieName(link.id),
    value: signToken(UNLOCK_PURPOSE, { l: link.id, v: link.passwordVersion }, UNLOCK_TTL_SECONDS),
    maxAgeSeconds: UNLOCK_TTL_SECONDS,
  };
}

/** Whether the link was unlocked from this address in the last 30 days (its access log says). */
async function wasUnlockedFrom(linkId: string, ip: string): Promise<boolean> {
  const prisma = await getPrisma();
  const since = new Date(Date.now() - 30 * 86_400_000);
  return (await prisma.shareAccess.count({ where: { linkId, action: "unlock", ip, at: { gt: since } }, take: 1 })) > 0;
}

/**
 * The node, if it lies inside the link's subtree (the shared node itself or below it) and nothing
 * on the way up is in the trash; NOT_FOUND otherwise, exactly like a missing id. Returns the path
 * from the shared root down to the node, for breadcrumbs that stop at the root.
 */
export async function requireNodeInLink(link: ShareLink, nodeId: string): Promise<{ node: Node; path: { id: string; name: string }[] }> {
  if (!nodeIdsSchemaForLink.safeParse([nodeId]).success) throw new AppError("NOT_FOUND", "node.notFound");
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ id: string; name: string; trashed: boolean; depth: number }[]>`
    WITH RECURSIVE up AS (
      SELECT id, name, "parentId", "trashedAt" IS NOT NULL AS trashed, 0 AS depth FROM "Node" WHERE id = ${nodeId}
      UNION ALL
      SELECT n.id, n.name, n."parentId", n."trashedAt" IS NOT NULL, up.depth + 1
      FROM "Node" n JOIN up ON n.id = up."parentId"
      WHERE up.id <> ${link.nodeId} AND up.depth < 256
    )
    SELECT id, name, trashed, depth FROM up ORDER BY depth DESC`;
  const top = rows[0];
  if (!top || top.id !== link.nodeId || rows.some((r) => r.trashed)) throw new AppError("NOT_FOUND", "node.notFound");
  const node = await prisma.node.findUnique({ where: { id: nodeId } });
  if (!node) throw new AppError("NOT_FOUND", "node.notFound");
  return { node, path: rows.map((r) => ({ id: r.id, name: r.name })) };
}

const TICKET_PURPOSE = "share-download";
const TICKET_TTL_SECONDS = 6 * 3600;

/**
 * A download is counted once per visitor and file, however many requests it takes: the counted
 * request gives a signed ticket (a cookie per link and file) carrying a byte budget of the file's
 * size plus a little slack for bytes lost in flight when a connection drops (half the file, at
 * most 8 MiB). Every GET of the file with that ticket takes the bytes it serves from the budget
 * and gives back what it did not send, so an interrupted download resumes with ranges, but the
 * ticket never yields a second copy: a request that does not fit counts as a new download, which
 * a used-up link refuses (410). The bytes taken are counted in the rate-limit store (memory, or
 * Redis with REDIS_URL).
 */
export interface DownloadTicket {
  id: string;
  budget: number;
}

export function downloadTicketName(linkId: string, nodeId: string): string {
  return `ypd_${linkId.replace(/-/g, "").slice(0, 16)}_${nodeId.replace(/-/g, "").slice(0, 12)}`;
}

export const ticketBudget = (size: number) => size + Math.min(Math.floor(size / 2), 8 * 1024 * 1024);

/** A new ticket for a counted download of this file, and its cookie's name and value. */
export function issueDownloadTicket(link: ShareLink, nodeId: string, size: number) {
  const ticket: DownloadTicket = { id: randomUUID(), budget: ticketBudget(size) };
  return {
    ticket,
    name: downloadTicketName(link.id, nodeId),
    value: signToken(TICKET_PURPOSE, { l: link.id, n: nodeId, v: link.passwordVersion, g: ticket.id, b: ticket.budget }, TICKET_TTL_SECONDS),
    maxAgeSeconds: TICKET_TTL_SECONDS,
  };
}

/** The visitor's ticket for this link, file and password, if the cookie holds a genuine one. */
export function readDownloadTicket(link: ShareLink, nodeId: string, cookieHeader: string | null | undefined): DownloadTicket | null {
  const cookie = parseCookies(cookieHeader ?? undefined)[downloadTicketName(link.id, nodeId)];
  const p = cookie ? verifyToken<{ l: string; n: string; v: number; g: string; b: number }>(TICKET_PURPOSE, cookie) : null;
  return p && p.l === link.id && p.n === nodeId && p.v === link.passwordVersion && typeof p.g === "string" && typeof p.b === "number" ? { id: p.g, budget: p.b } : null;
}

/** Whether the ticket still has bytes to give (its download is not finished). */
export async function ticketHasRoom(ticket: DownloadTicket): Promise<boolean> {
  return (await budgetLeft("shareTicketBytes", ticket.id, ticket.budget)) > 0;
}

/** Takes `bytes` from the ticket's budget; false when they do not fit. */
export function takeTicketBytes(ticket: DownloadTicket, bytes: number): Promise<boolean> {
  return takeFromBudget("shareTicketBytes", ticket.id, bytes, ticket.budget);
}

/** Gives back bytes a request took but did not send (the connection dropped). */
export function returnTicketBytes(ticket: DownloadTicket, bytes: number): Promise<void> {
  return returnToBudget("shareTicketBytes", ticket.id, bytes);
}

/**
 * Counts one download against the link's limit, in one conditional UPDATE: under any number of
 * concurrent downloads exactly `maxDownloads` succeed. False when the link is used up (or was
 * revoked or expired meanwhile).
 */
export async function claimLinkDownload(linkId: string, now = new Date()): Promise<boolean> {
  const prisma = await getPrisma();
  const n = await prisma.$executeRaw`
    UPDATE "ShareLink" SET "downloadCount" = "downloadCount" + 1, "lastAccessAt" = ${now}
    WHERE id = ${linkId} AND "revokedAt" IS NULL
      AND ("expiresAt" IS NULL OR "expiresAt" > ${now})
      AND ("maxDownloads" IS NULL OR "downloadCount" < "maxDownloads")`;
  return n === 1;
}

/** One line of the link's access log (time, client address, action, bytes); never fails the request. */
export async function logShareAccess(entry: { linkId: string; ip: string | null; action: string; bytes?: number | null }) {
  try {
    const prisma = await getPrisma();
    const now = new Date();
    await prisma.shareAccess.create({
      data: { linkId: entry.linkId, ip: entry.ip, action: entry.action, bytes: entry.bytes === undefined || entry.bytes === null ? null : BigInt(entry.bytes), at: now },
    });
    await prisma.shareLink.update({ where: { id: entry.linkId }, data: { lastAccessAt: now } });
  } catch (e) {
    console.error("share access log failed", (e as Error).message);
  }
}

export interface PublicLinkDto {
  permission: SharePermission;
  hasPassword: boolean;
  expiresAt: Date | null;
  ownerName: string;
  label: string | null;
  downloadsLeft: number | null;
  maxUploadBytes: number | null;
  uploadedBytes: number;
}

export type SharePageData =
  | { state: "gone"; reason: Exclude<LinkStatus, "active"> }
  | { state: "locked"; link: PublicLinkDto }
  | {
      state: "open";
      link: PublicLinkDto;
      root: NodeDto;
      /** The folder shown (a folder link), its path from the shared root, and its children. */
      folder: { id: string; path: { id: string; name: string }[]; items: NodeDto[] } | null;
    };

function publicDto(link: LinkWithNode): PublicLinkDto {
  return {
    permission: link.permission,
    hasPassword: link.passwordHash !== null,
    expiresAt: link.expiresAt,
    ownerName: link.creator.name,
    label: link.label,
    downloadsLeft: link.maxDownloads === null ? null : Math.max(0, link.maxDownloads - link.downloadCount),
    maxUploadBytes: link.maxUploadBytes === null ? null : Number(link.maxUploadBytes),
    uploadedBytes: Number(link.uploadedBytes),
  };
}

/** Everything the public page shows; NOT_FOUND for unknown links and folders outside the subtree. */
export async function getSharePage(input: { token: string; cookieHeader?: string | null; folderId?: string | null; ip?: string | null }): Promise<SharePageData> {
  const link = await findLinkOrThrow(input.token);
  const gone = goneReason(link);
  if (gone) return { state: "gone", reason: gone };
  if (!isUnlocked(link, input.cookieHeader)) return { state: "locked", link: publicDto(link) };
  const root = toNodeDto(link.node);
  if (!canList(link.permission)) {
    // A drop box: the visitor learns the folder's name and nothing of what is inside.
    return { state: "open", link: publicDto(link), root, folder: null };
  }
  let folder: { id: string; path: { id: string; name: string }[]; items: NodeDto[] } | null = null;
  if (link.node.kind === "FOLDER") {
    const { node, path } = input.folderId ? await requireNodeInLink(link, input.folderId) : { node: link.node, path: [{ id: link.node.id, name: link.node.name }] };
    if (node.kind !== "FOLDER") throw new AppError("NOT_FOUND", "node.notFound");
    const prisma = await getPrisma();
    const rows = await prisma.node.findMany({
      where: { parentId: node.id, trashedAt: null },
      orderBy: [{ kind: "desc" }, { name: "asc" }, { id: "asc" }],
      take: 2000,
    });
    folder = { id: node.id, path, items: rows.map(toNodeDto) };
  }
  if (!input.folderId) await logShareAccess({ linkId: link.id, ip: input.ip ?? null, action: "view" });
  return { state: "open", link: publicDto(link), root, folder };
}

/** The current version of a file inside a link, in the shape the download path serves. */
export async function fileForLink(node: Node) {
  if (node.kind !== "FILE" || !node.currentVersionId) throw new AppError("NOT_FOUND", "node.notFound");
  const prisma = await getPrisma();
  const version = await prisma.fileVersion.findUnique({ where: { id: node.currentVersionId }, include: { blob: true } });
  if (!version) throw new AppError("NOT_FOUND", "node.notFound");
  if (version.blob.integrity === "QUARANTINED") throw new AppError("FORBIDDEN", "file.quarantined", { name: node.name });
  return {
    name: node.name,
    mimeType: node.mimeType,
    size: Number(version.size),
    sha256: version.blob.sha256,
    storageKey: version.blob.storageKey,
    updatedAt: version.createdAt,
  };
}
