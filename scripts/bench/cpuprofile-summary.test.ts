import { expect, test } from "vitest";
import { formatTopFrames, frameName, mergeSummaries, summariseProfile, type CpuProfile } from "./cpuprofile-summary";

// root → main (app) → hash (app) → update (node_modules/hash-wasm); main → parse; main → main (recursion); idle.
const frame = (functionName: string, url = "", lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: 0 });
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 6] },
    { id: 2, callFrame: frame("main", "file:///repo/server/upload/tus-server.ts", 9), children: [3, 5, 7] },
    { id: 3, callFrame: frame("hash", "file:///repo/server/storage/streaming-hash.ts", 19), children: [4] },
    { id: 4, callFrame: frame("update", "file:///repo/node_modules/hash-wasm/dist/index.umd.js", 99) },
    { id: 5, callFrame: frame("parse", "file:///repo/server/http/range.ts", 0) },
    { id: 6, callFrame: frame("(idle)") },
    { id: 7, callFrame: frame("main", "file:///repo/server/upload/tus-server.ts", 9) },
  ],
  startTime: 1_000_000,
  // Samples at +1, +2, …, +10 ms; the last one lasts until endTime (+11 ms).
  samples: [4, 4, 4, 3, 5, 6, 6, 2, 7, 4],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  endTime: 1_011_000,
};

test("frame names carry the function, the file relative to node_modules or the repo, and the 1-based line", () => {
  expect(frameName(profile.nodes[3]!.callFrame)).toBe("update hash-wasm/dist/index.umd.js:100");
  expect(frameName(profile.nodes[1]!.callFrame)).toBe("main server/upload/tus-server.ts:10");
  expect(frameName(frame("", "node:internal/streams/writable", 502))).toBe("(anonymous) node:internal/streams/writable:503");
  expect(frameName(frame("(garbage collector)"))).toBe("(garbage collector)");
});

test("self and total time per frame; idle apart; recursion counted once per sample", () => {
  const s = summariseProfile(profile);
  expect(s.sampledMs).toBe(10);
  expect(s.idleMs).toBe(2);
  const of = (name: string) => s.frames.find((f) => f.frame.startsWith(name + " "));
  expect(of("update")).toEqual({ frame: "update hash-wasm/dist/index.umd.js:100", selfMs: 4, totalMs: 4 });
  expect(of("hash")).toMatchObject({ selfMs: 1, totalMs: 5 });
  expect(of("parse")).toMatchObject({ selfMs: 1, totalMs: 1 });
  // main: self in two samples (one through the recursive node), on the stack in all 8 busy ones.
  expect(of("main")).toMatchObject({ selfMs: 2, totalMs: 8 });
  expect(s.frames[0]!.frame).toMatch(/^update /);
  expect(s.frames.some((f) => f.frame === "(root)" || f.frame === "(idle)")).toBe(false);
});

test("a window keeps only its samples (the bench's timed run inside a process's whole profile)", () => {
  // Samples at +4 … +6 ms: hash (1 ms), parse (1 ms), idle (1 ms, cut at `to`).
  const s = summariseProfile(profile, { from: 1_004_000, to: 1_006_500 });
  expect(s.sampledMs).toBe(2.5);
  expect(s.idleMs).toBe(0.5);
  expect(s.frames.map((f) => [f.frame.split(" ")[0], f.selfMs])).toEqual([
    ["hash", 1],
    ["parse", 1],
    ["main", 0],
  ]);
});

test("summaries of several processes add up, and print as top frames by self and total time", () => {
  const merged = mergeSummaries([summariseProfile(profile), summariseProfile(profile)]);
  expect(merged.sampledMs).toBe(20);
  expect(merged.frames.find((f) => f.frame.startsWith("main "))).toMatchObject({ selfMs: 4, totalMs: 16 });
  const lines = formatTopFrames(merged, 2);
  expect(lines).toEqual([
    "  busy 16 ms of 20 ms sampled (idle 4 ms)",
    "  top 2 by self time:",
    "  - update hash-wasm/dist/index.umd.js:100: self 8 ms (50.0%), total 8 ms (50.0%)",
    "  - main server/upload/tus-server.ts:10: self 4 ms (25.0%), total 16 ms (100.0%)",
    "  top 2 by total time:",
    "  - main server/upload/tus-server.ts:10: self 4 ms (25.0%), total 16 ms (100.0%)",
    "  - hash server/storage/streaming-hash.ts:20: self 2 ms (12.5%), total 10 ms (62.5%)",
  ]);
});
