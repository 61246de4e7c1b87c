// Reads a V8 CPU profile (.cpuprofile: what `node --cpu-prof` and the inspector's Profiler write)
// and names the frames that took the time: self time (the frame itself was on the CPU) and total
// time (the frame was anywhere on the stack), optionally only within a window of the profile's
// clock (microseconds, the same monotonic clock as process.hrtime on Linux).

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, idle included. */
  sampledMs: number;
  idleMs: number;
  /** Every frame with time, by self time (descending). */
  frames: FrameTime[];
}

/** V8's pseudo-frames: no code of ours, named by V8 in parentheses. */
const IDLE = "(idle)";
const ROOT = "(root)";

/** "fn path/to/file.js:12": the file relative to node_modules or the repository when it lies in one. */
export function frameName(callFrame: CpuProfile["nodes"][number]["callFrame"]): string {
  const fn = callFrame.functionName || "(anonymous)";
  if (!callFrame.url) return fn;
  const url = callFrame.url.replace(/^file:\/\//, "");
  const nm = url.lastIndexOf("/node_modules/");
  const short = nm >= 0 ? url.slice(nm + "/node_modules/".length) : url.replace(/^.*?\/(server|app|components|scripts|dist|\.next)\//, "$1/");
  return `${fn} ${short}:${callFrame.lineNumber + 1}`;
}

/**
 * Self and total time per frame. A sample stands for the time until the next one (the last for
 * the time until endTime), as Chrome DevTools counts it; a recursive frame counts once per sample.
 */
export function summariseProfile(profile: CpuProfile, window: { from?: number; to?: number } = {}): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const from = window.from ?? -Infinity;
  const to = window.to ?? Infinity;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampledUs = 0;
  let idleUs = 0;
  let t = profile.startTime;
  const times = profile.samples.map((_, i) => (t += profile.timeDeltas[i] ?? 0));
  profile.samples.forEach((id, i) => {
    const at = times[i]!;
    if (at < from || at > to) return;
    const weight = Math.max(0, Math.min(times[i + 1] ?? profile.endTime, to) - at);
    const node = byId.get(id);
    if (!node || weight === 0) return;
    sampledUs += weight;
    const name = frameName(node.callFrame);
    if (node.callFrame.functionName === IDLE) {
      idleUs += weight;
      return;
    }
    self.set(name, (self.get(name) ?? 0) + weight);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      if (frame.functionName === ROOT) break;
      const key = frameName(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + weight);
    }
  });
  const frames = [...total.keys()]
    .map((frame) => ({ frame, selfMs: (self.get(frame) ?? 0) / 1000, totalMs: total.get(frame)! / 1000 }))
    .sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs);
  return { sampledMs: sampledUs / 1000, idleMs: idleUs / 1000, frames };
}

/** Adds summaries (several processes or reps of one scenario) frame by frame. */
export function mergeSummaries(summaries: ProfileSummary[]): ProfileSummary {
  const frames = new Map<string, FrameTime>();
  for (const s of summaries) {
    for (const f of s.frames) {
      const into = frames.get(f.frame) ?? { frame: f.frame, selfMs: 0, totalMs: 0 };
      into.selfMs += f.selfMs;
      into.totalMs += f.totalMs;
      frames.set(f.frame, into);
    }
  }
  return {
    sampledMs: summaries.reduce((a, s) => a + s.sampledMs, 0),
    idleMs: summaries.reduce((a, s) => a + s.idleMs, 0),
    frames: [...frames.values()].sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs),
  };
}

/** Markdown lines: the top frames by self time and by total time, with their share of busy time. */
export function formatTopFrames(summary: ProfileSummary, top = 10): string[] {
  const busy = summary.sampledMs - summary.idleMs;
  if (busy <= 0) return ["  (no busy samples in the window)"];
  const pct = (ms: number) => `${((ms / busy) * 100).toFixed(1)}%`;
  const line = (f: FrameTime) => `  - ${f.frame}: self ${f.selfMs.toFixed(0)} ms (${pct(f.selfMs)}), total ${f.totalMs.toFixed(0)} ms (${pct(f.totalMs)})`;
  const byTotal = [...summary.frames].sort((a, b) => b.totalMs - a.totalMs).slice(0, top);
  return [
    `  busy ${busy.toFixed(0)} ms of ${summary.sampledMs.toFixed(0)} ms sampled (idle ${summary.idleMs.toFixed(0)} ms)`,
    `  top ${top} by self time:`,
    ...summary.frames.slice(0, top).map(line),
    `  top ${top} by total time:`,
    ...byTotal.map(line),
  ];
}
