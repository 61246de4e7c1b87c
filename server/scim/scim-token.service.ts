import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { msg } from "@/server/i18n/issue";
import { requireAdmin } from "@/server/auth/auth.service";
import type { Actor } from "@/server/auth/actor";

const PREFIX = "ypscim_";
const hashOf = (secret: string) => createHash("sha256").update(secret).digest();

export const scimTokenNameSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, msg("scim.tokenName"))
    .max(100, msg("scim.tokenName"))
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), msg("scim.tokenName")),
});
export const scimTokenIdSchema = z.object({ tokenId: z.string().uuid() });

export interface ScimTokenDto {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const toDto = (t: ScimTokenDto): ScimTokenDto => ({ id: t.id, name: t.name, prefix: t.prefix, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt });

/** A new SCIM bearer token; the secret is returned this once and only its hash is stored. */
export async function createScimToken(input: { actor: Actor; meta?: RequestMeta; name: string }): Promise<{ token: string; scimToken: ScimTokenDto }> {
  requireAdmin(input.actor);
  const { name } = scimTokenNameSchema.parse(input);
  const token = PREFIX + randomBytes(32).toString("base64url");
  const prisma = await getPrisma();
  const row = await prisma.scimToken.create({
    data: { name, prefix: token.slice(0, PREFIX.length + 6), tokenHash: hashOf(token).toString("hex"), createdById: input.actor.via === "cli" ? null : input.actor.userId },
  });
  await recordAudit({ actorId: input.actor.userId, action: "scim.token.create", targetType: "scimToken", targetId: row.id, meta: input.meta, data: { name } });
  return { token, scimToken: toDto(row) };
}

export async function listScimTokens(input: { actor: Actor }): Promise<ScimTokenDto[]> {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  return (await prisma.scimToken.findMany({ orderBy: { createdAt: "desc" }, take: 200 })).map(toDto);
}

export async function revokeScimToken(input: { actor: Actor; meta?: RequestMeta; tokenId: string }): Promise<{ revoked: true }> {
  requireAdmin(input.actor);
  const { tokenId } = scimTokenIdSchema.parse(input);
  const prisma = await getPrisma();
  const row = await prisma.scimToken.findUnique({ where: { id: tokenId } });
  if (!row) throw new AppError("NOT_FOUND", "scim.tokenNotFound");
  if (!row.revokedAt) await prisma.scimToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
  await recordAudit({ actorId: input.actor.userId, action: "scim.token.revoke", targetType: "scimToken", targetId: tokenId, meta: input.meta, data: { name: row.name } });
  return { revoked: true };
}

/**
 * Whether `Authorization: Bearer …` carries a live SCIM token. The row is found by the secret's
 * hash (an index), then the hashes are compared again in constant time, so neither the lookup nor
 * the comparison tells an attacker how much of a guess was right.
 */
export async function authenticateScimToken(authorization: string | undefined): Promise<{ tokenId: string } | null> {
  const match = /^Bearer\s+(\S{1,300})$/i.exec(authorization ?? "");
  if (!match || !match[1]!.startsWith(PREFIX)) return null;
  const wanted = hashOf(match[1]!);
  const prisma = await getPrisma();
  const row = await prisma.scimToken.findUnique({ where: { tokenHash: wanted.toString("hex") } });
  if (!row || row.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(row.tokenHash, "hex"), wanted)) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await prisma.scimToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { tokenId: row.id };
}
