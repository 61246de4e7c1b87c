// BENCH_PROFILE_DIR: each Yunpan process wrote a V8 CPU profile of its whole life there (--cpu-prof,
// named CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile). This cuts each timed run out of its
// process's profile (the clocks match: both monotonic, in µs) and prints the top frames per
// scenario and variant, so a missed goal comes with where the time went.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { formatTopFrames, mergeSummaries, summariseProfile, type CpuProfile, type ProfileSummary } from "./cpuprofile-summary";
import type { RunWindow } from "./report";

export function profileReport(dir: string, windows: RunWindow[], top = 10): string[] {
  const files = new Map<number, string[]>();
  for (const f of readdirSync(dir)) {
    const pid = /^CPU\.\d+\.\d+\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(f)?.[1];
    if (pid) files.set(Number(pid), [...(files.get(Number(pid)) ?? []), path.join(dir, f)]);
  }
  const parsed = new Map<string, CpuProfile>();
  const load = (file: string) => {
    if (!parsed.has(file)) parsed.set(file, JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
    return parsed.get(file)!;
  };
  const groups = new Map<string, { title: string; parts: ProfileSummary[]; runs: number }>();
  for (const w of windows) {
    for (const [i, pid] of w.pids.entries()) {
      // Several processes in one run (a client and the server) are summarised apart.
      const label = w.pids.length > 1 && w.labels?.[i] ? w.labels[i] : "";
      for (const file of files.get(pid) ?? []) {
        const profile = load(file);
        // The same pid in an older run's profile does not cover this window.
        if (profile.startTime > w.fromUs || profile.endTime < w.toUs) continue;
        const key = `${w.scenario}\u0000${w.variant}\u0000${label}`;
        const g = groups.get(key) ?? { title: `${w.scenario} / ${w.variant}${label ? ` (${label})` : ""}`, parts: [], runs: 0 };
        g.parts.push(summariseProfile(profile, { from: w.fromUs, to: w.toUs }));
        g.runs += 1;
        groups.set(key, g);
      }
    }
  }
  if (!groups.size) return [`No CPU profile in ${dir} covers a timed run (profiles are written when a process exits).`];
  const lines = [`CPU profiles of the timed runs (${dir}; self = on the CPU itself, total = anywhere on the stack; shares of busy time):`];
  for (const g of groups.values()) lines.push("", `- ${g.title} (${g.runs} run${g.runs === 1 ? "" : "s"}):`, ...formatTopFrames(mergeSummaries(g.parts), top));
  return lines;
}
