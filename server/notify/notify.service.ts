import { getPrisma, type PrismaClient } from "@/server/db/client";
import { listNotificationsSchema, markReadSchema } from "@/server/notify/notify.schemas";
import type { Actor } from "@/server/auth/actor";
import type { Prisma } from "@/server/db/generated/client.ts";

/** What each kind carries (shown by components/notifications). */
export type NotificationData =
  | { kind: "grant"; from: string; item: string; nodeId: string; nodeKind: "FILE" | "FOLDER"; role: "VIEWER" | "EDITOR" }
  | { kind: "drops"; item: string; folderId: string; linkId: string; count: number; names: string[]; until: string }
  | { kind: "webhookFailing"; hookId: string; url: string; error: string };

export interface NotificationDto {
  id: string;
  data: NotificationData;
  readAt: Date | null;
  createdAt: Date;
}

export async function createNotification(db: PrismaClient | Prisma.TransactionClient, input: { userId: string; data: NotificationData }) {
  await db.notification.create({ data: { userId: input.userId, kind: input.data.kind, data: input.data as unknown as Prisma.InputJsonValue } });
}

export async function listNotifications(input: { actor: Actor; limit?: number }): Promise<{ items: NotificationDto[]; unread: number }> {
  const { limit } = listNotificationsSchema.parse(input);
  const prisma = await getPrisma();
  const [rows, unread] = await Promise.all([
    prisma.notification.findMany({ where: { userId: input.actor.userId }, orderBy: { createdAt: "desc" }, take: limit }),
    prisma.notification.count({ where: { userId: input.actor.userId, readAt: null } }),
  ]);
  return { items: rows.map((r) => ({ id: r.id, data: r.data as unknown as NotificationData, readAt: r.readAt, createdAt: r.createdAt })), unread };
}

export async function countUnreadNotifications(input: { actor: Actor }): Promise<number> {
  const prisma = await getPrisma();
  return prisma.notification.count({ where: { userId: input.actor.userId, readAt: null } });
}

/** Only the caller's own notifications change, whatever ids are given. */
export async function markNotificationsRead(input: { actor: Actor; ids?: string[] }) {
  const { ids } = markReadSchema.parse(input);
  const prisma = await getPrisma();
  const { count } = await prisma.notification.updateMany({
    where: { userId: input.actor.userId, readAt: null, ...(ids ? { id: { in: ids } } : {}) },
    data: { readAt: new Date() },
  });
  return { count };
}
