// What the bench reads about a server process, the way shared/notes/baselines.md measured it:
// CPU is utime+stime from /proc/PID/stat (all threads), peak RSS is VmHWM after resetting it with
// `echo 5 > /proc/PID/clear_refs` just before the transfer.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

const MiB = 1024 * 1024;

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime+stime of one process in seconds (0 once it is gone); of one of its threads with `tid`. */
export function cpuSecondsOf(pid: number, tid?: number): number {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the name: state(0) ppid(1) … utime(11) stime(12).
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return 0;
  }
}

export function cpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
}

/** Resets VmHWM to the current RSS, so the next reading is the peak of what follows. */
export function resetPeakRss(pids: number[]) {
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      // a process we may not write to (or one that exited) just keeps its old peak
    }
  }
}

/** VmHWM (peak) or VmRSS (now) in MiB, summed over the processes. */
export function peakRssMiB(pids: number[], field: "VmHWM" | "VmRSS" = "VmHWM"): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) kib += Number(m[1]);
    } catch {
      // gone
    }
  }
  return kib / 1024;
}

/** Direct children of a process (nginx's workers under its master). */
export function childPidsOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === ppid) out.push(Number(name));
    } catch {
      // raced with an exit
    }
  }
  return out;
}

export interface Sample {
  seconds: number;
  bytes: number;
  cpu: number;
  rssMiB: number;
  /** RSS just before the transfer (after the reset, VmHWM starts here). */
  idleMiB: number;
  /** Extra figures a scenario wants in its notes (e.g. RGW CPU, client hash time). */
  extra?: Record<string, number>;
}

/**
 * Runs one timed transfer against `pids`: flushes dirty pages first (so every rep starts with
 * the same writeback state), resets the peak RSS, and reads CPU before and after.
 */
export async function measure(pids: number[], bytes: number, run: () => Promise<Record<string, number> | void>): Promise<Sample> {
  execFileSync("sync");
  resetPeakRss(pids);
  const idleMiB = peakRssMiB(pids, "VmRSS");
  const cpu0 = cpuSeconds(pids);
  const t0 = process.hrtime.bigint();
  const extra = (await run()) ?? undefined;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(pids) - cpu0;
  return { seconds, bytes, cpu, rssMiB: peakRssMiB(pids), idleMiB, extra };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The p-quantile (0..1) by the nearest-rank method: the smallest sample with at least p of all
 * samples at or below it (so p99 of 30 samples is the largest one). NaN when there are none.
 */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(Math.min(1, Math.max(0, p)) * s.length);
  return s[Math.max(0, rank - 1)]!;
}

export function mibPerSecond(s: Sample): number {
  return s.bytes / MiB / s.seconds;
}

export function machineLine(): string {
  const cpus = os.cpus();
  const flags = (() => {
    try {
      return /\bsha_ni\b/.test(readFileSync("/proc/cpuinfo", "utf8")) ? ", sha_ni" : "";
    } catch {
      return "";
    }
  })();
  return (
    `Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? "?"}${flags}), ` +
    `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`
  );
}
