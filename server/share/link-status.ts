import type { ShareLink } from "@/server/db/generated/client.ts";

// Pure, so the access checks (share-access.service) need not import the link service.
export type LinkStatus = "active" | "revoked" | "expired" | "exhausted";

/** Why a link no longer works, or "active". Expiry is compared to the minute it was set for. */
export function linkStatus(link: Pick<ShareLink, "revokedAt" | "expiresAt" | "maxDownloads" | "downloadCount">, now = new Date()): LinkStatus {
  if (link.revokedAt) return "revoked";
  if (link.expiresAt && link.expiresAt.getTime() <= now.getTime()) return "expired";
  if (link.maxDownloads !== null && link.downloadCount >= link.maxDownloads) return "exhausted";
  return "active";
}
