// Runs variants interleaved rep by rep (A B C A B C …) and prints the medians as Markdown.
import { measure, median, mibPerSecond, peakRssMiB, type Sample } from "./measure";

const GiB = 1024 ** 3;

export interface Variant {
  name: string;
  /** The row the scenario's ratios are against. */
  baseline?: boolean;
  /** Whose CPU and peak RSS count, with a label each (e.g. nginx + Yunpan). */
  processes: () => { label: string; pid: number }[];
  bytes: number;
  /** Requests per transfer, for a CPU-per-request note (range downloads). */
  requests?: number;
  /** One timed transfer; may return extra figures (seconds, CPU of other processes). */
  run: (rep: number) => Promise<Record<string, number> | void>;
  /** Checks the result of the first rep (untimed): a sha256 or the bytes themselves. */
  verify?: () => Promise<string>;
  /** Untimed tidy-up after every rep (delete what the baseline servers stored). */
  after?: () => Promise<void>;
  /** Untimed, before every rep: e.g. a fresh server process, so each rep is another process. */
  before?: (rep: number) => Promise<void>;

}

export interface Scenario {
  title: string;
  variants: Variant[];
  notes: string[];
  /** Rows computed from a variant's extra figures (e.g. instant upload without the client hash). */
  derived?: {
    name: string;
    from: string;
    seconds: (extra: Record<string, number>) => number;
    bytes: number;
    /** The CPU seconds that belong to this row's interval, when the source row's column covers more. */
    cpu?: (extra: Record<string, number>) => number;
  }[];
  /** What the CPU column means when it is not the server (e.g. a client process). */
  cpuNote?: string;
}

/** When a variant's timed run ran, on the monotonic clock V8's profiles use (µs), and in which processes. */
export interface RunWindow {
  scenario: string;
  variant: string;
  pids: number[];
  /** What each of `pids` is ("client", "Yunpan"): a variant with several processes gets a profile summary per process. */
  labels?: string[];
  fromUs: number;
  toUs: number;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

interface Result {
  samples: Sample[];
  rssParts: number[][];
  verified?: string;
}

export class Bench {
  readonly scenarios: Scenario[] = [];
  private readonly results = new Map<Variant, Result>();
  readonly failures: string[] = [];
  /** Every timed run, for cutting it out of the processes' CPU profiles (BENCH_PROFILE_DIR). */
  readonly windows: RunWindow[] = [];

  /** Runs the scenarios' variants interleaved: for each rep, every variant of every scenario once. */
  async runInterleaved(scenarios: Scenario[], reps: number, isStopping: () => boolean = () => false) {
    this.scenarios.push(...scenarios);
    for (let rep = 0; rep < reps; rep++) {
      for (const s of scenarios) {
        for (const v of s.variants) {
          if (isStopping()) throw new Error("interrupted");
          await v.before?.(rep);
          const procs = v.processes();
          const pids = procs.map((p) => p.pid);
          const fromUs = nowUs();
          const sample = await measure(pids, v.bytes, () => v.run(rep));
          this.windows.push({ scenario: s.title, variant: v.name, pids, labels: procs.map((p) => p.label), fromUs, toUs: nowUs() });
          const rssParts = procs.map((p) => peakRssMiB([p.pid]));
          const r = this.results.get(v) ?? { samples: [], rssParts: [] };
          r.samples.push(sample);
          r.rssParts.push(rssParts);
          this.results.set(v, r);
          console.error(
            `  ${s.title} | ${v.name} | rep ${rep + 1}/${reps}${procs.map((p) => ` ${p.label} pid ${p.pid}`).join("")}: ${mibPerSecond(sample).toFixed(0)} MiB/s, ` +
              `${sample.seconds.toFixed(2)} s, CPU ${sample.cpu.toFixed(2)} s (${(sample.cpu / (sample.bytes / GiB)).toFixed(2)}/GiB), peak RSS ${sample.rssMiB.toFixed(0)} MiB (before ${sample.idleMiB.toFixed(0)})`,
          );
          if (rep === 0 && v.verify) {
            r.verified = await v.verify();
            console.error(`    verified: ${r.verified}`);
          }
          await v.after?.();
        }
      }
    }
  }

  markdown(): string {
    const lines = [
      "| scenario | variant | MiB/s median [reps] | ratio vs baseline: median [per rep] (spread) | server CPU s (per GiB) [per rep, per GiB] | peak RSS MiB (before) |",
      "|---|---|---|---|---|---|",
    ];
    const notes: string[] = [];
    for (const s of this.scenarios) {
      const base = s.variants.find((v) => v.baseline);
      const baseResult = base && this.results.get(base);
      const baseMiBs = baseResult ? median(baseResult.samples.map(mibPerSecond)) : NaN;
      let first = true;
      for (const v of s.variants) {
        const r = this.results.get(v);
        if (!r) continue;
        const speeds = r.samples.map(mibPerSecond);
        const mibs = median(speeds);
        const cpu = median(r.samples.map((x) => x.cpu));
        const gib = v.bytes / GiB;
        const labels = v.processes().map((p) => p.label);
        const peak = Math.max(...r.samples.map((x) => x.rssMiB));
        const before = median(r.samples.map((x) => x.idleMiB));
        const parts = labels.length > 1 ? `: ${labels.map((l, i) => `${l} ${Math.max(...r.rssParts.map((p) => p[i] ?? 0)).toFixed(0)}`).join(" + ")}` : "";
        const rss = `${peak.toFixed(0)} (${before.toFixed(0)})${parts}`;
        // Each rep against the baseline's same rep (run next to it): a bimodal variant shows as such.
        const ratios = speeds.map((x, i) => x / (baseResult ? mibPerSecond(baseResult.samples[i] ?? baseResult.samples[0]!) : NaN));
        const ratio = v.baseline
          ? "1.00"
          : `${(mibs / baseMiBs).toFixed(2)} [${ratios.map((x) => x.toFixed(2)).join(", ")}] (${(Math.max(...ratios) - Math.min(...ratios)).toFixed(2)})`;
        const cpuPerRep = r.samples.map((x) => (x.cpu / gib).toFixed(2)).join(", ");
        lines.push(
          `| ${first ? s.title : ""} | ${v.name}${v.baseline ? " (baseline)" : ""} | ${mibs.toFixed(0)} [${speeds.map((x) => x.toFixed(0)).join(", ")}] | ` +
            `${ratio} | ${cpu.toFixed(2)} (${(cpu / gib).toFixed(2)}/GiB) [${cpuPerRep}] | ${rss} |`,
        );
        first = false;
      }
      for (const d of s.derived ?? []) {
        const from = s.variants.find((v) => v.name === d.from);
        const r = from && this.results.get(from);
        if (!r) continue;
        const speeds = r.samples.map((x) => d.bytes / 1024 ** 2 / d.seconds(x.extra ?? {}));
        const mibs = median(speeds);
        const gib = d.bytes / GiB;
        const cpus = d.cpu ? r.samples.map((x) => d.cpu!(x.extra ?? {})) : [];
        const cpu = d.cpu ? `${median(cpus).toFixed(2)} (${(median(cpus) / gib).toFixed(2)}/GiB) [${cpus.map((x) => (x / gib).toFixed(2)).join(", ")}]` : "(as above)";
        lines.push(`| | ${d.name} | ${mibs.toFixed(0)} [${speeds.map((x) => x.toFixed(0)).join(", ")}] | ${(mibs / baseMiBs).toFixed(2)} | ${cpu} | (as above) |`);
      }
      if (s.cpuNote) notes.push(`- ${s.title}: ${s.cpuNote}`);
      for (const n of s.notes) notes.push(`- ${s.title}: ${n}`);
      for (const v of s.variants) {
        const r = this.results.get(v);
        if (r?.verified) notes.push(`- ${s.title} / ${v.name}: ${r.verified}`);
        if (r && v.requests) {
          const ms = median(r.samples.map((x) => (x.cpu / v.requests!) * 1000));
          notes.push(`- ${s.title} / ${v.name}: server CPU per request ${ms.toFixed(2)} ms`);
        }
        const extraKeys = new Set(r?.samples.flatMap((x) => Object.keys(x.extra ?? {})) ?? []);
        for (const key of extraKeys) {
          if (!key.startsWith("note:")) continue;
          const values = r!.samples.map((x) => x.extra?.[key]).filter((x): x is number => x !== undefined);
          notes.push(`- ${s.title} / ${v.name}: ${key.slice(5)} median ${median(values).toFixed(2)} [${values.map((x) => x.toFixed(2)).join(", ")}]`);
        }
      }
    }
    return [...lines, "", ...notes].join("\n");
  }
}
