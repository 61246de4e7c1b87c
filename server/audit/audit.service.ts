import { getPrisma } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client.ts";
import { currentRequest } from "@/server/log/request-context";
import { auditActorId } from "@/server/audit/system-actors";

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
    // Services that do not pass the request's meta still record where it came from.
    const meta = event.meta?.ip || event.meta?.userAgent ? event.meta : (currentRequest() ?? event.meta);
    await prisma.auditEvent.create({
      data: {
        actorId: auditActorId(event.actorId),
        action: event.action,
        targetType: event.targetType,
        targetId: event.targetId,
        ip: meta?.ip ?? null,
        userAgent: meta?.userAgent?.slice(0, 400) ?? null,
        data: event.data,
      },
    });
  } catch (e) {
    console.error("audit write failed", (e as Error).message);
  }
}
