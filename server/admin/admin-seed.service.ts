import { createHash, randomBytes } from "node:crypto";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { requireAdmin } from "@/server/auth/auth.service";
import type { Actor } from "@/server/auth/actor";

/**
 * For trying the admin screens on a fresh server (the CLI's `seed-share`): a share link row on a
 * user's top-level item, as the sharing screens would make it. The link's secret is not kept.
 */
export async function seedShareLink(input: {
  actor: Actor;
  email: string;
  name: string;
  permission?: "VIEW" | "DOWNLOAD" | "UPLOAD" | "DOWNLOAD_UPLOAD";
  expiresInDays?: number;
  downloads?: number;
  label?: string;
}) {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { email: input.email.trim().toLowerCase() } });
  if (!user) throw new AppError("NOT_FOUND", "user.notFound");
  const node = await prisma.node.findFirst({ where: { ownerId: user.id, name: input.name, trashedAt: null, rootOwnerId: null } });
  if (!node) throw new AppError("NOT_FOUND", "node.notFound");
  const secret = randomBytes(24).toString("base64url");
  const link = await prisma.shareLink.create({
    data: {
      nodeId: node.id,
      creatorId: user.id,
      tokenHash: createHash("sha256").update(secret).digest("hex"),
      tokenPrefix: secret.slice(0, 6),
      label: input.label ?? null,
      permission: input.permission ?? "DOWNLOAD",
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      downloadCount: input.downloads ?? 0,
    },
  });
  return { id: link.id, node: node.name };
}
