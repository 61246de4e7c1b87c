import { getPrisma } from "@/server/db/client";
import { appendChange, NOTIFICATION_KIND } from "@/server/events/change-log";
import { listNotificationsSchema, markReadSchema } from "@/server/notify/notify.schemas";
import type { Actor } from "@/server/auth/actor";
import type { Prisma } from "@/server/db/generated/client.ts";

/** What each kind carries (shown by components/notifications). */
export type NotificationData =
  | { kind: "grant"; from: string; item: string; nodeId: string; nodeKind: "FILE" | "FOLDER"; role: "VIEWER" | "EDITOR" }
  | { kind: "drops"; item: string; folderId: string; linkId: string; count: number; names: string[]; until: string }
  | { kind: "webhookFailing"; hookId: string; url: string; error: string }
  | { kind: "quarantined"; item: string; nodeId: string; folderId: string | null };

export interface NotificationDto {
  id: string;
  data: NotificationData;
  readAt: Date | null;
  createdAt: Date;
}

/** Adds a notification inside the caller's transaction; its recipient's open tabs hear of it live. */
export async function createNotification(tx: Prisma.TransactionClient, input: { userId: string; data: NotificationData }) {
  await tx.notification.create({ data: { userId: input.userId, kind: input.data.kind, data: input.data as unknown as Prisma.InputJsonValue } });
  const d = input.data;
  // The event names what the notification is about; a tab only refreshes its bell for it.
  const about =
    d.kind === "grant"
      ? { nodeId: d.nodeId, nodeKind: d.nodeKind }
      : d.kind === "drops"
        ? { nodeId: d.folderId, nodeKind: "FOLDER" as const }
        : d.kind === "quarantined"
          ? { nodeId: d.nodeId, nodeKind: "FILE" as const }
          : { nodeId: d.hookId, nodeKind: "FILE" as const };
  await appendChange(tx, { kind: NOTIFICATION_KIND, ...about, ownerId: input.userId });
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
