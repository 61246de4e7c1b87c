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
  /** Who a user target is today (login rows, admin actions on accounts), or that the account is gone; null for other targets. */
  targetUser: AuditTargetUser | null;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
  /** What the ids in `data` name today (folders, files, people, versions), so the log reads without raw ids. */
  refs: Record<string, AuditRef>;
}

/** A node (the drive's root has no name of its own), a person or a file version, named for the reader. */
export type AuditRef = { type: "folder" | "file"; name: string } | { type: "root" } | { type: "user"; name: string; email: string } | { type: "version"; number: number };

export type AuditTargetUser = { type: "user"; name: string; email: string } | { type: "deletedUser" };

/** Which keys of an event's data hold ids of what (see the recordAudit calls). */
const NODE_KEYS = ["parentId", "fromId", "toId", "sourceId", "nodeId"];
const USER_KEYS = ["granteeId", "ownerId", "userId"];
const VERSION_KEYS = ["versionId", "fromVersionId"];

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

function objectOf(data: unknown): Record<string, unknown> {
  return data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

function idsUnder(rows: Row[], keys: string[], targetType?: string): string[] {
  const ids = new Set<string>();
  if (targetType) for (const r of rows) if (r.targetType === targetType && r.targetId) ids.add(r.targetId);
  for (const r of rows) {
    const data = objectOf(r.data);
    for (const k of keys) if (typeof data[k] === "string") ids.add(data[k]);
  }
  return [...ids];
}

/**
 * One query per kind of id for the whole page (user targets ride with the people named in data);
 * an id whose row is gone simply stays unnamed.
 */
async function resolveRefs(rows: Row[]): Promise<Map<string, AuditRef>> {
  const prisma = await getPrisma();
  const [nodes, users, versions] = await Promise.all([
    prisma.node.findMany({ where: { id: { in: idsUnder(rows, NODE_KEYS) } }, select: { id: true, name: true, kind: true, rootOwnerId: true } }),
    prisma.user.findMany({ where: { id: { in: idsUnder(rows, USER_KEYS, "user") } }, select: { id: true, name: true, email: true } }),
    prisma.fileVersion.findMany({ where: { id: { in: idsUnder(rows, VERSION_KEYS) } }, select: { id: true, number: true } }),
  ]);
  const refs = new Map<string, AuditRef>();
  for (const n of nodes) refs.set(n.id, n.rootOwnerId !== null ? { type: "root" } : { type: n.kind === "FOLDER" ? "folder" : "file", name: n.name });
  for (const u of users) refs.set(u.id, { type: "user", name: u.name, email: u.email });
  for (const v of versions) refs.set(v.id, { type: "version", number: v.number });
  return refs;
}

function refsOf(r: Row, all: Map<string, AuditRef>): Record<string, AuditRef> {
  const data = objectOf(r.data);
  const refs: Record<string, AuditRef> = {};
  for (const k of [...NODE_KEYS, ...USER_KEYS, ...VERSION_KEYS]) {
    const id = data[k];
    const ref = typeof id === "string" ? all.get(id) : undefined;
    if (typeof id === "string" && ref) refs[id] = ref;
  }
  return refs;
}

function targetUserOf(r: Row, all: Map<string, AuditRef>): AuditTargetUser | null {
  if (r.targetType !== "user" || !r.targetId) return null;
  const ref = all.get(r.targetId);
  return ref?.type === "user" ? ref : { type: "deletedUser" };
}

const toDto = (r: Row, refs: Record<string, AuditRef>, targetUser: AuditTargetUser | null): AuditEventDto => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  visitor: visitorOf(r),
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  targetUser,
  ip: r.ip,
  userAgent: r.userAgent,
  data: r.data,
  refs,
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
  const refs = await resolveRefs(items);
  return { items: items.map((r) => toDto(r, refsOf(r, refs), targetUserOf(r, refs))), nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null };
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
