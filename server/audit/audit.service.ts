import { getPrisma } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client.ts";

export interface RequestMeta {
  ip?: string | null;
  userAgent?: string | null;
}

/** Appends one audit event. Never throws: losing an audit row must not fail the action. */
export async function recordAudit(event: {
  actorId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  meta?: RequestMeta;
  data?: Prisma.InputJsonValue;
}): Promise<void> {
  try {
    const prisma = await getPrisma();
    await prisma.auditEvent.create({
      data: {
        actorId: event.actorId && event.actorId !== "cli" ? event.actorId : null,
        action: event.action,
        targetType: event.targetType,
        targetId: event.targetId,
        ip: event.meta?.ip ?? null,
        userAgent: event.meta?.userAgent?.slice(0, 400) ?? null,
        data: event.data,
      },
    });
  } catch (e) {
    console.error("audit write failed", (e as Error).message);
  }
}
