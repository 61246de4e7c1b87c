// BENCH_ONLY=tracing: the same build twice, side by side in one run: one process with tracing off
// (no OTEL_* variable: the SDK is never loaded) and one with tracing on as a deployment would run
// it (OTLP/HTTP to a loopback sink, parentbased_traceidratio at 10%), each rep interleaved.
// Scenarios: a tus upload in 8 MiB PATCHes and random 1 MiB ranges (Bearer token, keep-alive).
// Bounded to seconds: BENCH_TRACING_MIB (default 256, quick 64) and BENCH_RANGES ranges; the
// processes are not restarted per rep (a start costs more than these runs).
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fetchRanges, MiB, seededOffsets, sha256OfGet, tusUpload } from "./clients";
import type { Processes } from "./processes";
import type { Scenario, Variant } from "./report";
import { startYunpan, type Yunpan } from "./yunpan";

interface Source {
  file: string;
  sha256: string;
  size: number;
}

/** An OTLP/HTTP receiver that only counts: what a collector costs the server is the request itself. */
async function startSink(): Promise<{ url: string; requests: () => number; bytes: () => number; close: () => Promise<void> }> {
  let requests = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    bytes: () => bytes,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

export async function tracingScenarios(
  procs: Processes,
  options: { entry: string; tmp: string; src: Source; ranges: number; concurrency: number },
): Promise<{ scenarios: Scenario[]; done: () => Promise<string[]> }> {
  const { src, entry, tmp } = options;
  const sink = await startSink();
  const off = await startYunpan(procs, { name: "Yunpan, tracing off", entry, dataDir: path.join(tmp, "yunpan-trace-off") });
  const on = await startYunpan(procs, {
    name: "Yunpan, tracing on (10%)",
    entry,
    dataDir: path.join(tmp, "yunpan-trace-on"),
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" },
  });
  const rows: [string, Yunpan, boolean][] = [
    ["tracing off (same build, no OTEL_*)", off, true],
    ["tracing on, 10% sampled, OTLP/HTTP to a loopback sink", on, false],
  ];
  const nodeIds = new Map<Yunpan, string>();
  for (const [, y] of rows) {
    const r = await tusUpload({ endpoint: `${y.url}/api/upload`, headers: y.auth, file: src.file, size: src.size, chunk: src.size, filename: "ranges.bin" });
    nodeIds.set(y, r.nodeId!);
  }
  const upload: Scenario = {
    title: `tracing: tus upload ${src.size / MiB} MiB, 8 MiB PATCHes`,
    notes: ["the same dist/server.mjs in both rows; the sink answers every export at once"],
    variants: rows.map(([name, y, baseline]): Variant => {
      let last: string | null = null;
      return {
        name,
        baseline,
        processes: () => [{ label: "Yunpan", pid: y.proc.pid }],
        bytes: src.size,
        run: async (rep) => {
          last = (await tusUpload({ endpoint: `${y.url}/api/upload`, headers: y.auth, file: src.file, size: src.size, chunk: 8 * MiB, filename: `traced-${rep}.bin` })).nodeId;
        },
        verify: async () => {
          const got = await sha256OfGet(`${y.url}/api/files/${last}/content`, y.auth);
          if (got.sha256 !== src.sha256) throw new Error(`tracing upload: sha256 ${got.sha256}, expected ${src.sha256}`);
          return `committed file: sha256 matches the source (${src.sha256.slice(0, 12)}…)`;
        },
      };
    }),
  };
  const offsets = seededOffsets(20240601, options.ranges, src.size, MiB);
  const ranges: Scenario = {
    title: `tracing: ${options.ranges} random 1 MiB ranges, c${options.concurrency}, keep-alive`,
    notes: ["MiB/s = req/s; the same seeded offsets in both rows; every answer a 206 of exactly 1 MiB"],
    variants: rows.map(([name, y, baseline]): Variant => {
      const url = () => `${y.url}/api/files/${nodeIds.get(y)}/content`;
      return {
        name,
        baseline,
        processes: () => [{ label: "Yunpan", pid: y.proc.pid }],
        bytes: options.ranges * MiB,
        requests: options.ranges,
        // Warm (JIT) before every rep, as the download scenario does after its restarts.
        before: async () => void (await fetchRanges({ url: url(), offsets: seededOffsets(11, 64, src.size, MiB), length: MiB, concurrency: options.concurrency, headers: y.auth })),
        run: () => fetchRanges({ url: url(), offsets, length: MiB, concurrency: options.concurrency, headers: y.auth }),
      };
    }),
  };
  return {
    scenarios: [upload, ranges],
    done: async () => {
      await sink.close();
      return [`- tracing: the sink received ${sink.requests()} OTLP exports (${(sink.bytes() / 1024).toFixed(0)} KiB) from the traced process`];
    },
  };
}
