import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { profileReport } from "./profiles";

const dir = mkdtempSync(path.join(os.tmpdir(), "yunpan-bench-profiles-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a real --cpu-prof profile: the timed window is cut out of the process's profile, its hot function among the top frames", () => {
  // The child spins in `hot` for 300 ms between two clock readings, and idles around them.
  const script = [
    "function now() { return Number(process.hrtime.bigint() / 1000n); }",
    "function hot(until) { let x = 0; for (;;) { for (let i = 0; i < 100000; i++) x += Math.sqrt(i + (x % 7)); if (now() >= until) return x; } }",
    "function cold(until) { let x = 0; for (;;) { for (let i = 0; i < 100000; i++) x += i % 3; if (now() >= until) return x; } }",
    "cold(now() + 150_000);",
    "const fromUs = now(); hot(fromUs + 300_000); const toUs = now();",
    "cold(now() + 150_000);",
    "console.log(JSON.stringify({ pid: process.pid, fromUs, toUs }));",
  ].join("\n");
  const out = execFileSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "-e", script], { encoding: "utf8" });
  const { pid, fromUs, toUs } = JSON.parse(out) as { pid: number; fromUs: number; toUs: number };
  const lines = profileReport(dir, [
    { scenario: "spin", variant: "child", pids: [pid], fromUs, toUs },
    { scenario: "no profile", variant: "other process", pids: [pid + 1_000_000], fromUs, toUs },
  ]);
  const text = lines.join("\n");
  expect(text).toContain("- spin / child (1 run):");
  expect(text).not.toContain("no profile");
  // Among the top self frames, not necessarily first: on a loaded machine (CI beside a bench) the
  // samples of a descheduled thread can land on the clock reading instead.
  const selfLines = lines.slice(lines.findIndex((l) => l.includes("by self time")) + 1).slice(0, 3);
  expect(selfLines.some((l) => /^ {2}- hot \[eval\]:2: self \d+ ms/.test(l))).toBe(true);
  expect(text).not.toMatch(/- cold /);
});

test("profiles of other processes or other times are left out, and a dir without one says so", () => {
  const empty = mkdtempSync(path.join(dir, "empty-"));
  writeFileSync(
    path.join(empty, "CPU.20261205.120000.4242.0.001.cpuprofile"),
    JSON.stringify({ nodes: [{ id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 } }], startTime: 1000, endTime: 2000, samples: [], timeDeltas: [] }),
  );
  // Same pid, but a window the profile does not cover (an older run's process with a reused pid).
  expect(profileReport(empty, [{ scenario: "s", variant: "v", pids: [4242], fromUs: 5000, toUs: 6000 }])).toEqual([
    `No CPU profile in ${empty} covers a timed run (profiles are written when a process exits).`,
  ]);
});

test("a run in two processes (client and server) gets one summary per process, each with its own frames", () => {
  const own = mkdtempSync(path.join(dir, "two-"));
  // Two profiles, each 10 ms in one function of its own.
  const profileOf = (fn: string) => ({
    nodes: [
      { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 }, children: [2] },
      { id: 2, callFrame: { functionName: fn, url: "file:///x.js", lineNumber: 0 } },
    ],
    startTime: 1000,
    endTime: 12_000,
    samples: [2, 2],
    timeDeltas: [1000, 5000],
  });
  writeFileSync(path.join(own, "CPU.20261205.120000.111.0.001.cpuprofile"), JSON.stringify(profileOf("md5Part")));
  writeFileSync(path.join(own, "CPU.20261205.120000.222.0.001.cpuprofile"), JSON.stringify(profileOf("signPart")));
  const text = profileReport(own, [{ scenario: "s", variant: "v", pids: [111, 222], labels: ["client", "Yunpan"], fromUs: 1000, toUs: 12_000 }]).join("\n");
  const client = text.slice(text.indexOf("- s / v (client)"), text.indexOf("- s / v (Yunpan)"));
  const server = text.slice(text.indexOf("- s / v (Yunpan)"));
  expect(text.indexOf("- s / v (client)")).toBeGreaterThan(0);
  expect(client).toContain("md5Part");
  expect(client).not.toContain("signPart");
  expect(server).toContain("signPart");
  expect(server).not.toContain("md5Part");
});
