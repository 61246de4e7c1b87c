import { getPrisma } from "@/server/db/client";
import { grantReachesSql, grantsReaching } from "@/server/drive/grant-scope";
import { AppError } from "@/server/errors/app-error";
import { requireAdmin } from "@/server/auth/auth.service";
import { requireNodeAccess, teamDrivesOf } from "@/server/drive/access";
import { getChangeBus } from "@/server/events/change-bus";
import { listChangesSchema, waitChangesSchema } from "@/server/changes/changes.schemas";
import type { Actor } from "@/server/auth/actor";
import type { ChangeEvent } from "@/server/db/generated/client.ts";
import { NOTIFICATION_KIND, type LogKind } from "@/server/events/change-log";

/** What a reader of the log gets; `seq` is also the cursor after this change. */
export interface ChangeDto {
  seq: string;
  at: Date;
  kind: LogKind;
  nodeId: string;
  nodeKind: "FILE" | "FOLDER";
  actorId: string | null;
  viaShareLink: boolean;
  oldParentId: string | null;
  newParentId: string | null;
  oldName: string | null;
  newName: string | null;
  granteeId: string | null;
}

export type ChangeScope = "mine" | "admin";

/** Setting row holding the highest pruned seq: a cursor below it has missed changes for good. */
const PRUNED_KEY = "changeLog.prunedThrough";
/** Raw rows read per round while filtering; a page stops after a few rounds with hasMore. */
const ROUND = 500;
const MAX_ROUNDS = 8;

export function toChangeDto(e: ChangeEvent): ChangeDto {
  return {
    seq: e.seq.toString(),
    at: e.createdAt,
    kind: e.kind as LogKind,
    nodeId: e.nodeId,
    nodeKind: e.nodeKind as "FILE" | "FOLDER",
    actorId: e.actorId,
    viaShareLink: e.shareLinkId !== null,
    oldParentId: e.oldParentId,
    newParentId: e.newParentId,
    oldName: e.oldName,
    newName: e.newName,
    granteeId: e.granteeId,
  };
}

async function prunedThrough(): Promise<bigint> {
  const prisma = await getPrisma();
  const row = await prisma.setting.findUnique({ where: { key: PRUNED_KEY } });
  return typeof row?.value === "string" ? BigInt(row.value) : 0n;
}

/** A cursor from before the oldest kept change cannot be continued: the client must resync. */
export async function assertCursorKept(cursor: bigint): Promise<void> {
  if (cursor < (await prunedThrough())) throw new AppError("GONE", "changes.cursorReset");
}

/** The position of the newest change: a new sync client lists the drive, then follows from here. */
export async function currentCursor(input: { actor: Actor }): Promise<{ cursor: string }> {
  void input.actor; // any signed-in caller; the position reveals nothing but a count
  const prisma = await getPrisma();
  // Appends are serialised up to their commit (change-log.ts), so the newest visible row has no
  // pending row below it.
  const [row] = await prisma.$queryRaw<{ seq: bigint | null }[]>`SELECT max(seq) AS seq FROM "ChangeEvent"`;
  return { cursor: (row?.seq ?? (await prunedThrough())).toString() };
}

/**
 * Who may see a change is decided now, with the drive's rules, not when it happened: the owner,
 * the grantee a grant event is about, and whoever holds a grant on the node, on its old or new
 * parent, or on a folder above them (so a grantee sees a file leave the shared folder, and nothing
 * after the grant is gone). `folderId` keeps changes at or below that folder.
 */
export class ChangeVisibility {
  private grantOwners: string[] | null = null;

  /** `notifications`: also the caller's own `notification.created` events (the browser's stream). */
  constructor(
    readonly actor: Actor,
    readonly scope: ChangeScope,
    readonly folderId?: string,
    readonly notifications = false,
  ) {}

  /** A database filter that only narrows (the exact rule is `filter`). */
  async where() {
    const kind = this.notifications ? {} : { kind: { not: NOTIFICATION_KIND } };
    if (this.scope === "admin") return kind;
    this.grantOwners ??= await this.loadGrantOwners();
    return { ...kind, OR: [{ ownerId: { in: [this.actor.userId, ...new Set(this.grantOwners)] } }, { granteeId: this.actor.userId }] };
  }

  /**
   * The owners of the drives the caller holds a grant in, and the TEAM accounts of the team folders
   * they are a member of, read now (a team folder's every change is its members').
   */
  loadGrantOwners(): Promise<string[]> {
    return getPrisma().then(async (prisma) => [
      ...(await prisma.grant.findMany({ where: grantsReaching(this.actor.userId), select: { node: { select: { ownerId: true } } } })).map((g) => g.node.ownerId),
      ...(await teamDrivesOf(this.actor.userId)).keys(),
    ]);
  }

  /**
   * Takes the grant owners from a lookup shared by the other readers of the same user, when this
   * reader has none cached: a thousand streams of one user woken together read them once.
   */
  async shareGrantOwners(lookup: (load: () => Promise<string[]>) => Promise<string[]>): Promise<void> {
    if (this.scope === "admin" || this.grantOwners) return;
    this.grantOwners = await lookup(() => this.loadGrantOwners());
  }

  /**
   * Readers with equal keys see the same rows of any batch (same user, scope, folder and grant
   * owners), so a batch shared by many streams is decided once per key (stream-hub.ts).
   */
  async readerKey(): Promise<string> {
    await this.where();
    return [this.actor.userId, this.scope, this.folderId ?? "", this.notifications, ...new Set(this.grantOwners ?? [])].join("|");
  }

  /** `where` applied in memory, then `filter`: the rows of any log batch this reader may see. */
  async visibleAmong(batch: ChangeEvent[]): Promise<ChangeEvent[]> {
    await this.where();
    const me = this.actor.userId;
    const owners = new Set([me, ...(this.grantOwners ?? [])]);
    const narrowed = batch.filter(
      (e) => (this.notifications || e.kind !== NOTIFICATION_KIND) && (this.scope === "admin" || owners.has(e.ownerId) || e.granteeId === me),
    );
    return this.filter(narrowed);
  }

  /** What `filter` does to the cached grant owners, for a reader that reused another's decision. */
  noteBatch(batch: ChangeEvent[]): void {
    if (batch.some((e) => e.granteeId === this.actor.userId)) this.grantOwners = null;
  }

  async filter(events: ChangeEvent[]): Promise<ChangeEvent[]> {
    // A grant given to or taken from the actor changes whose drives `where` must include.
    if (events.some((e) => e.granteeId === this.actor.userId)) this.grantOwners = null;
    // A notification is its recipient's alone, whatever the scope or grants.
    const kept = events.filter((e) => e.kind !== NOTIFICATION_KIND || (this.notifications && e.ownerId === this.actor.userId));
    let visible = kept;
    if (this.scope !== "admin") {
      const teams = kept.some((e) => e.ownerId !== this.actor.userId) ? await teamDrivesOf(this.actor.userId) : new Map<string, string>();
      const foreign = kept.filter((e) => e.ownerId !== this.actor.userId && e.granteeId !== this.actor.userId && !teams.has(e.ownerId));
      const covered = foreign.length ? await this.coveredBy(idsOf(foreign), { granteeId: this.actor.userId }) : new Set<string>();
      visible = kept.filter(
        (e) =>
          e.ownerId === this.actor.userId ||
          e.granteeId === this.actor.userId ||
          // A team folder's membership events are each about one person: theirs alone.
          (teams.has(e.ownerId) && e.granteeId === null) ||
          idsOf([e]).some((id) => covered.has(id)),
      );
    }
    if (this.folderId && visible.length) {
      const inside = await this.coveredBy(idsOf(visible), { folderId: this.folderId });
      visible = visible.filter((e) => idsOf([e]).some((id) => inside.has(id)));
    }
    return visible;
  }

  /** Which of `ids` lie at or below a node the actor holds a grant on, or at or below `folderId`. */
  private async coveredBy(ids: string[], by: { granteeId: string } | { folderId: string }): Promise<Set<string>> {
    const prisma = await getPrisma();
    const granteeId = "granteeId" in by ? by.granteeId : null;
    const folderId = "folderId" in by ? by.folderId : null;
    const rows = await prisma.$queryRaw<{ start: string }[]>`
      WITH RECURSIVE up AS (
        SELECT id AS start, id, "parentId", 0 AS depth FROM "Node" WHERE id = ANY(${ids}::text[])
        UNION ALL
        SELECT up.start, n.id, n."parentId", up.depth + 1 FROM "Node" n JOIN up ON n.id = up."parentId" WHERE up.depth < 256
      )
      SELECT DISTINCT up.start FROM up
      WHERE (${granteeId}::text IS NOT NULL AND EXISTS (SELECT 1 FROM "Grant" g WHERE g."nodeId" = up.id AND ${grantReachesSql(granteeId ?? "")}))
         OR up.id = ${folderId}::text`;
    return new Set(rows.map((r) => r.start));
  }
}

function idsOf(events: ChangeEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) for (const id of [e.nodeId, e.oldParentId, e.newParentId]) if (id) ids.add(id);
  return [...ids];
}

async function visibilityFor(actor: Actor, scope: ChangeScope, folderId?: string): Promise<ChangeVisibility> {
  if (scope === "admin") requireAdmin(actor);
  if (folderId) await requireNodeAccess({ actor, nodeId: folderId, need: "read" });
  return new ChangeVisibility(actor, scope, folderId);
}

/**
 * The changes after `from` the visibility allows, oldest first, up to `limit`. The returned cursor
 * is the last row examined, visible or not, so filtered rows are not read again.
 */
export async function readChanges(visibility: ChangeVisibility, from: bigint, limit: number): Promise<{ changes: ChangeEvent[]; cursor: bigint; hasMore: boolean }> {
  const prisma = await getPrisma();
  const where = await visibility.where();
  const changes: ChangeEvent[] = [];
  let cursor = from;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const take = Math.min(ROUND, limit - changes.length);
    const rows = await prisma.changeEvent.findMany({ where: { ...where, seq: { gt: cursor } }, orderBy: { seq: "asc" }, take });
    if (rows.length === 0) return { changes, cursor, hasMore: false };
    changes.push(...(await visibility.filter(rows)));
    cursor = rows.at(-1)!.seq;
    if (rows.length < take) return { changes, cursor, hasMore: false };
    if (changes.length >= limit) break;
  }
  const next = await prisma.changeEvent.findFirst({ where: { ...where, seq: { gt: cursor } }, select: { seq: true } });
  return { changes, cursor, hasMore: next !== null };
}

/** changes.list: one page from a cursor. A pruned cursor answers GONE (`changes.cursorReset`). */
export async function listChanges(input: { actor: Actor; cursor: string; limit?: number; folderId?: string; scope?: ChangeScope }) {
  const { cursor, limit, folderId, scope } = listChangesSchema.parse(input);
  const from = BigInt(cursor);
  await assertCursorKept(from);
  const page = await readChanges(await visibilityFor(input.actor, scope, folderId), from, limit);
  return { changes: page.changes.map(toChangeDto), cursor: page.cursor.toString(), hasMore: page.hasMore };
}

/** Long polls in flight per user and process; more are told to back off instead of holding sockets. */
const MAX_WAITS_PER_USER = 10;
const WAITS = Symbol.for("yunpan.events.waits");
type G = typeof globalThis & { [WAITS]?: Map<string, number> };
const waits = () => ((globalThis as G)[WAITS] ??= new Map());
/** A reader re-reads on its own this often, in case a wake-up was lost (a bus reconnect). */
export const REREAD_MS = 30_000;

/**
 * changes.wait: resolves `{ changes: true }` as soon as a change the caller may see follows
 * `cursor`, or `{ changes: false }` after `timeoutS`. It returns no changes: the client calls
 * changes.list next (Dropbox's longpoll shape).
 */
export async function waitForChanges(input: { actor: Actor; cursor: string; timeoutS?: number; folderId?: string; scope?: ChangeScope; signal?: AbortSignal }): Promise<{ changes: boolean; backoffS?: number }> {
  const { cursor, timeoutS, folderId, scope } = waitChangesSchema.parse(input);
  let from = BigInt(cursor);
  await assertCursorKept(from);
  const visibility = await visibilityFor(input.actor, scope, folderId);
  const counts = waits();
  const mine = counts.get(input.actor.userId) ?? 0;
  if (mine >= MAX_WAITS_PER_USER) return { changes: false, backoffS: 30 };
  counts.set(input.actor.userId, mine + 1);
  const bus = getChangeBus();
  let wake: () => void = () => {};
  let woken = false;
  const off = bus.subscribe((seq) => {
    if (seq > from) {
      woken = true;
      wake();
    }
  });
  const deadline = Date.now() + timeoutS * 1000;
  try {
    for (;;) {
      woken = false;
      const page = await readChanges(visibility, from, 1);
      if (page.changes.length) return { changes: true };
      from = page.cursor;
      const left = deadline - Date.now();
      if (left <= 0 || input.signal?.aborted) return { changes: false };
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, REREAD_MS));
        const done = () => {
          clearTimeout(timer);
          input.signal?.removeEventListener("abort", done);
          resolve();
        };
        wake = done;
        input.signal?.addEventListener("abort", done);
      });
      wake = () => {};
    }
  } finally {
    off();
    const n = (counts.get(input.actor.userId) ?? 1) - 1;
    if (n <= 0) counts.delete(input.actor.userId);
    else counts.set(input.actor.userId, n);
  }
}

/** The periodic job: drops changes older than EVENTS_KEEP_DAYS and remembers how far it went. */
export async function pruneChangeLog(input: { now: Date; keepDays: number }): Promise<{ pruned: number }> {
  const prisma = await getPrisma();
  const before = new Date(input.now.getTime() - input.keepDays * 86_400_000);
  let pruned = 0;
  for (;;) {
    const batch = await prisma.changeEvent.findMany({ where: { createdAt: { lt: before } }, orderBy: { seq: "asc" }, take: 5000, select: { seq: true } });
    if (batch.length === 0) return { pruned };
    const through = batch.at(-1)!.seq;
    await prisma.$transaction(async (tx) => {
      // The mark goes first: a reader between the two statements is told to reset, never silently skips.
      await tx.setting.upsert({ where: { key: PRUNED_KEY }, create: { key: PRUNED_KEY, value: through.toString() }, update: { value: through.toString() } });
      pruned += (await tx.changeEvent.deleteMany({ where: { seq: { lte: through } } })).count;
    });
  }
}
