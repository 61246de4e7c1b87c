import { getPrisma } from "@/server/db/client";
import { requireAdmin } from "@/server/auth/auth.service";
import { decodeCursor, encodeCursor } from "@/server/drive/cursor";
import { auditFilterSchema, listAuditSchema, type AuditFilter, type AuditFilterInput } from "@/server/admin/admin.schemas";
import type { Prisma } from "@/server/db/generated/client.ts";
import type { Actor } from "@/server/auth/actor";

export interface AuditEventDto {
  id: string;
  at: Date;
  actor: { id: string; email: string; name: string } | null;
  /** No account acted: a visitor of this share link (with the name they typed, if any). */
  visitor: { shareLinkId: string; name: string | null } | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
}

/** Actor by email (part of it) or exact id; action by exact name or a prefix ending in "."; a date range. */
function whereOf(filter: AuditFilter): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = {};
  if (filter.user) {
    where.actor = /^[0-9a-f-]{36}$/i.test(filter.user) ? { id: filter.user } : { email: { contains: filter.user.toLowerCase() } };
  }
  if (filter.action) where.action = filter.action.endsWith(".") ? { startsWith: filter.action } : filter.action;
  if (filter.from || filter.to) where.at = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
  return where;
}

type Row = Prisma.AuditEventGetPayload<{ include: { actor: { select: { id: true; email: true; name: true } } } }>;

function visitorOf(r: Row): AuditEventDto["visitor"] {
  const data = r.data && typeof r.data === "object" && !Array.isArray(r.data) ? (r.data as Record<string, unknown>) : null;
  if (r.actorId !== null || typeof data?.viaShareLink !== "string") return null;
  return { shareLinkId: data.viaShareLink, name: typeof data.name === "string" && data.name ? data.name : null };
}

const toDto = (r: Row): AuditEventDto => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  visitor: visitorOf(r),
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  ip: r.ip,
  userAgent: r.userAgent,
  data: r.data,
});

async function page(filter: AuditFilter, after: { at: Date; id: string } | null, limit: number) {
  const prisma = await getPrisma();
  const base = whereOf(filter);
  const where: Prisma.AuditEventWhereInput = after
    ? { AND: [base, { OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] }] }
    : base;
  return prisma.auditEvent.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit,
    include: { actor: { select: { id: true, email: true, name: true } } },
  });
}

/** One page of the audit log, newest first. */
export async function listAuditEvents(input: { actor: Actor } & AuditFilterInput & { cursor?: string | null; limit?: number }) {
  requireAdmin(input.actor);
  const { cursor, limit, ...filter } = listAuditSchema.parse(input);
  const rows = await page(filter, decodeCursor(cursor), limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(toDto), nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null };
}

/** Every action name recorded so far, for the filter's list. */
export async function listAuditActions(input: { actor: Actor }): Promise<string[]> {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const rows = await prisma.auditEvent.groupBy({ by: ["action"], orderBy: { action: "asc" } });
  return rows.map((r) => r.action);
}

/** A CSV field: quoted when needed, and a leading =+-@ neutralised so a spreadsheet never runs it as a formula. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const AUDIT_CSV_HEADER = ["at", "actor_email", "actor_id", "action", "target_type", "target_id", "ip", "user_agent", "data"];

/**
 * The filtered audit log as CSV lines, produced page by page (keyset), so an export of any size
 * streams with constant memory.
 */
export async function* exportAuditCsv(input: { actor: Actor; filter: AuditFilterInput }): AsyncGenerator<string> {
  requireAdmin(input.actor);
  const filter = auditFilterSchema.parse(input.filter);
  yield AUDIT_CSV_HEADER.join(",") + "\r\n";
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const rows = await page(filter, after, 500);
    if (rows.length === 0) return;
    yield rows
      .map((r) => [r.at, r.actor?.email, r.actorId, r.action, r.targetType, r.targetId, r.ip, r.userAgent, r.data].map(csvField).join(",") + "\r\n")
      .join("");
    const last = rows.at(-1)!;
    after = { at: last.at, id: last.id };
    if (rows.length < 500) return;
  }
}
