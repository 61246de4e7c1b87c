import { getDatabase, onTransactionCommitted } from "@/server/db/client";
import { getChangeBus } from "@/server/events/change-bus";
import type { Prisma } from "@/server/db/generated/client.ts";
import type { ChangeKind } from "@/server/events/change-kinds";
// The kinds live apart from the database code so forms in components/ can import them.
export { CHANGE_KINDS, type ChangeKind } from "@/server/events/change-kinds";

/**
 * Not a tree change: a notification for `ownerId` (its recipient) was created. It rides the same
 * log so a browser's bell updates live and a reconnect replays it; only its recipient sees it, and
 * only on the browser's stream (sync clients and webhooks see tree changes alone).
 */
export const NOTIFICATION_KIND = "notification.created";
export type LogKind = ChangeKind | typeof NOTIFICATION_KIND;

export interface ChangeInput {
  kind: LogKind;
  nodeId: string;
  nodeKind: "FILE" | "FOLDER";
  /** The owner of the drive the node is in. */
  ownerId: string;
  /** The user who acted (null: the system, e.g. the trash expiry job, or a share link visitor). */
  actorId?: string | null;
  /** A visitor of this share link acted (a file-drop arrival). */
  shareLinkId?: string | null;
  oldParentId?: string | null;
  newParentId?: string | null;
  oldName?: string | null;
  newName?: string | null;
  granteeId?: string | null;
}

/**
 * One key for every append. `seq` comes from a sequence, and sequences hand out numbers in call
 * order, not commit order: without this lock a reader could see 7 committed while 6 is still
 * pending, move its cursor past 6 and never see it. Appends take this transaction-scoped lock
 * before drawing a number, so numbers are drawn in commit order and every row below a visible
 * one is already committed (or rolled back for good). The lock is held from the append to the
 * commit, which is why appends are the last write of their transaction. PGlite has one
 * connection whose transactions run one after another, so commit order is already seq order
 * there and the lock (a round trip on every tree change) is skipped.
 */
const APPEND_LOCK = 727_014;

const APPENDED = Symbol.for("yunpan.events.appended");
type G = typeof globalThis & { [APPENDED]?: WeakMap<object, bigint> };
const appended = () => ((globalThis as G)[APPENDED] ??= new WeakMap());

const HOOK = Symbol.for("yunpan.events.commitHook");
type H = typeof globalThis & { [HOOK]?: true };

/** After a transaction that appended commits, readers on every replica are woken. */
function ensureCommitHook() {
  const g = globalThis as H;
  if (g[HOOK]) return;
  g[HOOK] = true;
  onTransactionCommitted((tx) => {
    const seq = appended().get(tx);
    if (seq === undefined) return;
    appended().delete(tx);
    getChangeBus()
      .publish(seq)
      .catch((e: Error) => console.error("change bus publish failed", e.message));
  });
}

/**
 * Appends changes inside the caller's transaction (an outbox): a rolled-back change leaves no
 * event. Call it as the last write of the transaction (see APPEND_LOCK).
 */
export async function appendChange(tx: Prisma.TransactionClient, changes: ChangeInput | ChangeInput[]): Promise<void> {
  const list = Array.isArray(changes) ? changes : [changes];
  // Bench only (scripts/bench/events.ts): the same build without the change log, to measure its cost.
  if (list.length === 0 || process.env.YUNPAN_BENCH_NO_CHANGE_LOG === "1") return;
  ensureCommitHook();
  if ((await getDatabase()).mode === "postgres") await tx.$executeRaw`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`;
  const rows = list.map((c) => ({
    kind: c.kind,
    nodeId: c.nodeId,
    nodeKind: c.nodeKind,
    ownerId: c.ownerId,
    actorId: c.actorId && c.actorId !== "cli" ? c.actorId : null,
    shareLinkId: c.shareLinkId ?? null,
    oldParentId: c.oldParentId ?? null,
    newParentId: c.newParentId ?? null,
    oldName: c.oldName ?? null,
    newName: c.newName ?? null,
    granteeId: c.granteeId ?? null,
  }));
  // RETURNING the seqs: one statement per chunk, no second query for the newest seq.
  let last: bigint | undefined;
  for (let i = 0; i < rows.length; i += 1000) {
    const made = await tx.changeEvent.createManyAndReturn({ data: rows.slice(i, i + 1000), select: { seq: true } });
    for (const { seq } of made) if (last === undefined || seq > last) last = seq;
  }
  if (last !== undefined) appended().set(tx, last);
}
