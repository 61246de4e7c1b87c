import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import os from "node:os";
import { Transform, type Readable } from "node:stream";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import v8 from "node:v8";
import { requireAdmin } from "@/server/auth/auth.service";
import { AppError } from "@/server/errors/app-error";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import type { Actor } from "@/server/auth/actor";

// Profiles of the running process on an admin's demand: a V8 CPU profile (.cpuprofile, what
// Chrome DevTools, VS Code and speedscope open) and a heap snapshot (.heapsnapshot, DevTools →
// Memory). One at a time per process: both cost the process itself (a snapshot stops it while it
// is written), and two profiles would measure each other.

export const PROFILE_MAX_SECONDS = 60;
export const PROFILE_DEFAULT_SECONDS = 30;

const KEY = Symbol.for("yunpan.debugProfiling");
type G = typeof globalThis & { [KEY]?: { busy: boolean } };
const state = ((globalThis as G)[KEY] ??= { busy: false });

/** Takes the process's one profiling slot, or answers 409 while another profile or snapshot runs. */
function claimSlot(): () => void {
  if (state.busy) throw new AppError("CONFLICT", "debug.busy");
  state.busy = true;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    state.busy = false;
  };
}

/** `seconds` as given in the query: a whole number in 1…PROFILE_MAX_SECONDS, 30 when absent. */
export function parseProfileSeconds(raw: string | null | undefined): number {
  if (raw === null || raw === undefined || raw === "") return PROFILE_DEFAULT_SECONDS;
  const n = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= PROFILE_MAX_SECONDS)) throw new AppError("BAD_REQUEST", "debug.seconds", { max: PROFILE_MAX_SECONDS });
  return n;
}

/** A V8 CPU profile (Profiler.Profile: nodes, samples, timeDeltas) of the next `seconds` seconds. */
export async function takeCpuProfile(input: { actor: Actor; seconds: string | null; meta?: RequestMeta; signal?: AbortSignal }): Promise<object> {
  requireAdmin(input.actor);
  const seconds = parseProfileSeconds(input.seconds);
  const release = claimSlot();
  try {
    await recordAudit({ actorId: input.actor.userId, action: "admin.debug.profile", targetType: "process", meta: input.meta, data: { seconds, pid: process.pid } });
    const session = new Session();
    session.connect();
    try {
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
      // A caller that hangs up ends the profile early (its result is then thrown away).
      await sleep(seconds * 1000, undefined, { signal: input.signal }).catch(() => {});
      const { profile } = await session.post("Profiler.stop");
      return profile;
    } finally {
      session.disconnect();
    }
  } finally {
    release();
  }
}

export interface HeapSnapshotDownload {
  size: number;
  stream: Readable;
  /** Frees the profiling slot; call once the stream is done (or was never read). */
  release(): void;
}

/**
 * A heap snapshot written to a temp file (V8 serialises it there, not into this heap), opened,
 * and unlinked at once: the open file is streamed to the caller and disappears when closed, also
 * if the process dies meanwhile. The slot stays taken until the caller releases it after sending.
 */
export async function openHeapSnapshot(input: { actor: Actor; meta?: RequestMeta }): Promise<HeapSnapshotDownload> {
  requireAdmin(input.actor);
  const release = claimSlot();
  let dir: string | null = null;
  try {
    await recordAudit({ actorId: input.actor.userId, action: "admin.debug.heap", targetType: "process", meta: input.meta, data: { pid: process.pid } });
    dir = await mkdtemp(path.join(os.tmpdir(), "yunpan-heap-"));
    const file = v8.writeHeapSnapshot(path.join(dir, "process.heapsnapshot"));
    const handle = await open(file, "r");
    const { size } = await handle.stat();
    await rm(dir, { recursive: true, force: true });
    const file$ = createReadStream("", { fd: handle, highWaterMark: 1024 * 1024 });
    file$.once("close", release);
    // The slot is freed as the last chunk is handed on, before it can reach the caller: a script
    // that asks for the next snapshot the moment one arrives whole is served, not told 409.
    let sent = 0;
    const stream = file$.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sent += chunk.length;
          if (sent >= size) release();
          done(null, chunk);
        },
      }),
    );
    file$.once("error", (e) => stream.destroy(e));
    stream.once("close", () => file$.destroy());
    return { size, stream, release };
  } catch (e) {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
    release();
    throw e;
  }
}
