import { z } from "zod";
import { nodeIdSchema } from "@/server/drive/drive.schemas";
import { msg } from "@/server/i18n/issue";

export const SHARE_PERMISSIONS = ["VIEW", "DOWNLOAD", "UPLOAD", "DOWNLOAD_UPLOAD"] as const;
export type SharePermission = (typeof SHARE_PERMISSIONS)[number];

export const canDownload = (p: SharePermission) => p === "DOWNLOAD" || p === "DOWNLOAD_UPLOAD";
export const canUpload = (p: SharePermission) => p === "UPLOAD" || p === "DOWNLOAD_UPLOAD";
/** An upload-only link is a drop box: visitors see nothing of what is inside. */
export const canList = (p: SharePermission) => p !== "UPLOAD";

export const sharePasswordSchema = z.string().min(4, msg("share.passwordShort", { min: 4 })).max(200, msg("password.tooLong", { max: 200 }));

/** Expiry to the minute: seconds are dropped, and it must lie in the future. */
const expiresAtSchema = z
  .date()
  .transform((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000))
  .refine((d) => d.getTime() > Date.now(), msg("share.expiryPast"));

export const emailListSchema = z.array(z.email(msg("email.invalid")).transform((s) => s.trim().toLowerCase())).max(20);

export const createLinkSchema = z.object({
  nodeId: nodeIdSchema,
  permission: z.enum(SHARE_PERMISSIONS),
  password: sharePasswordSchema.nullish(),
  expiresAt: expiresAtSchema.nullish(),
  maxDownloads: z.number().int().min(1).max(1_000_000).nullish(),
  maxUploadBytes: z.number().int().min(1).max(2 ** 50).nullish(),
  label: z.string().trim().max(100).nullish(),
  /** People to mail the link to (an invitation job per address). */
  recipients: emailListSchema.optional(),
});

export const updateLinkSchema = z.object({
  linkId: nodeIdSchema,
  permission: z.enum(SHARE_PERMISSIONS).optional(),
  /** A string sets a new password (earlier unlocks stop working); null removes it; absent keeps it. */
  password: sharePasswordSchema.nullish(),
  expiresAt: expiresAtSchema.nullish(),
  maxDownloads: z.number().int().min(1).max(1_000_000).nullish(),
  maxUploadBytes: z.number().int().min(1).max(2 ** 50).nullish(),
  label: z.string().trim().max(100).nullish(),
});

export const linkRefSchema = z.object({ linkId: nodeIdSchema });
export const listLinksSchema = z.object({ nodeId: nodeIdSchema.nullish() });
export const accessLogSchema = z.object({ linkId: nodeIdSchema, limit: z.number().int().min(1).max(500).default(100) });

/** Tokens are 32 base64url characters (192 random bits); anything else is not one. */
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

export const unlockSchema = z.object({ password: z.string().min(1).max(200) });

/** What a visitor may leave with a drop: their name, shown to the owner. */
export const dropperNameSchema = z
  .string()
  .transform((s) => s.normalize("NFC").replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 80))
  .nullish()
  .catch(null);

export const GRANT_ROLES = ["VIEWER", "EDITOR"] as const;
export const createGrantSchema = z.object({
  nodeId: nodeIdSchema,
  email: z.email(msg("email.invalid")).transform((s) => s.trim().toLowerCase()),
  role: z.enum(GRANT_ROLES),
});
export const createGroupGrantSchema = z.object({ nodeId: nodeIdSchema, groupId: nodeIdSchema, role: z.enum(GRANT_ROLES) });
/** The groups a sharer may pick, by part of their name. */
export const shareableGroupsSchema = z.object({ search: z.string().trim().max(100).optional() });
export const grantRefSchema = z.object({ grantId: nodeIdSchema });
export const updateGrantSchema = z.object({ grantId: nodeIdSchema, role: z.enum(GRANT_ROLES) });
export const nodeGrantsSchema = z.object({ nodeId: nodeIdSchema });

/** Node ids named by a visitor (a zip selection); every one is then confined to the link's subtree. */
export const nodeIdsSchemaForLink = z.array(nodeIdSchema).min(1).max(1000);
