import { getPrisma } from "@/server/db/client";
import { getMetrics } from "@/server/metrics/metrics";
import type { ChangeEvent } from "@/server/db/generated/client.ts";
import { REREAD_MS, toChangeDto, type ChangeVisibility } from "@/server/changes/change-feed.service";

/**
 * What every open event stream of this process shares, so a wake costs one log read, one
 * visibility decision per distinct reader and one serialisation per event, not one of each per
 * stream; and two process-wide timers instead of two per idle stream.
 */

/** Log rows read per round by a stream; a full round means more may follow. */
export const STREAM_ROUND = 500;
/** Tests shorten these before opening streams; the timers pick them up when they (re)start. */
export const streamTiming = { heartbeatMs: 25_000, rereadMs: REREAD_MS };

const inFlight = new Map<bigint, Promise<ChangeEvent[]>>();

/**
 * Every log row after `from` (all drives, all kinds), oldest first. Streams woken together sit at
 * the same cursor, so the one query in flight for that cursor answers them all.
 */
export function rowsAfter(from: bigint): Promise<ChangeEvent[]> {
  let p = inFlight.get(from);
  if (!p) {
    p = getPrisma().then((prisma) => prisma.changeEvent.findMany({ where: { seq: { gt: from } }, orderBy: { seq: "asc" }, take: STREAM_ROUND }));
    inFlight.set(from, p);
    const done = () => inFlight.delete(from);
    p.then(done, done);
  }
  return p;
}

/** Per shared batch: the visible rows for each distinct reader (same user, scope and grant owners). */
const decided = new WeakMap<ChangeEvent[], Map<string, Promise<ChangeEvent[]>>>();

/** Per shared batch: each user's grant owners, read once for all of that user's streams. */
const grantOwnersRead = new WeakMap<ChangeEvent[], Map<string, Promise<string[]>>>();

/** The rows of a shared batch this reader may see, decided once per batch for equal readers. */
export async function visibleIn(visibility: ChangeVisibility, batch: ChangeEvent[]): Promise<ChangeEvent[]> {
  // A batch that gives this reader a share or a team folder is read with the drives they cover
  // now, so the changes after that event in the same batch are not dropped.
  visibility.noteBatch(batch);
  await visibility.shareGrantOwners((load) => {
    let byUser = grantOwnersRead.get(batch);
    if (!byUser) grantOwnersRead.set(batch, (byUser = new Map()));
    let p = byUser.get(visibility.actor.userId);
    if (!p) byUser.set(visibility.actor.userId, (p = load()));
    return p;
  });
  const key = await visibility.readerKey();
  let byReader = decided.get(batch);
  if (!byReader) decided.set(batch, (byReader = new Map()));
  let p = byReader.get(key);
  if (!p) byReader.set(key, (p = visibility.visibleAmong(batch)));
  const visible = await p;
  // The reader that decided forgot its grant owners if the batch changed its grants; so must this one.
  visibility.noteBatch(batch);
  return visible;
}

const frames = new WeakMap<ChangeEvent, string>();
/** The SSE message of a change, serialised once however many streams send it. */
export function frameOf(e: ChangeEvent): string {
  let f = frames.get(e);
  if (f === undefined) frames.set(e, (f = `id: ${e.seq}\nevent: change\ndata: ${JSON.stringify(toChangeDto(e))}\n\n`));
  return f;
}

export interface StreamHandle {
  /** Every `heartbeatMs`: write the ping. */
  heartbeat(): void;
  /** Every `rereadMs`: re-check the caller and read the log in case a wake-up was lost. */
  reread(): void;
}

const streams = new Set<StreamHandle>();
let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
let rereadTimer: ReturnType<typeof setInterval> | undefined;

export function addStream(s: StreamHandle): () => void {
  streams.add(s);
  getMetrics().eventStreamClients.set(streams.size);
  if (streams.size === 1) {
    heartbeatTimer = setInterval(() => streams.forEach((x) => x.heartbeat()), streamTiming.heartbeatMs);
    rereadTimer = setInterval(() => {
      authChecks.clear();
      streams.forEach((x) => x.reread());
    }, streamTiming.rereadMs);
  }
  return () => {
    const removed = streams.delete(s);
    getMetrics().eventStreamClients.set(streams.size);
    if (!removed || streams.size) return;
    clearInterval(heartbeatTimer);
    clearInterval(rereadTimer);
  };
}

/** Per re-read tick: one check per credential, however many tabs hold a stream with it. */
const authChecks = new Map<string, Promise<unknown>>();
export function checkOncePerTick<T>(credential: string, check: () => Promise<T>): Promise<T> {
  let p = authChecks.get(credential) as Promise<T> | undefined;
  if (!p) authChecks.set(credential, (p = check()));
  return p;
}
