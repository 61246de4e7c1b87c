// BENCH_ONLY=events (issue 14 Bench): live-change delivery on one production server.
//   1. N SSE clients on GET /api/events (Bearer token), one change (a folder created over tRPC):
//      per change, each client's latency from the call to the event's arrival; p50/p99 over all
//      clients and the time until every client has it (goal p99 < 250 ms).
//   2. M idle SSE streams: RSS the server added (VmRSS after they are open minus before; goal < 150 MiB).
//   3. Small-file (4 KiB) tus uploads per second with the change log on vs. off: the same build,
//      the "off" server started with YUNPAN_BENCH_NO_CHANGE_LOG=1 (appendChange returns at once).
// Every socket is the bench process's own (agent: false); its fd limit must cover M (20,000 here).
import http from "node:http";
import path from "node:path";
import { median } from "./measure";
import { peakRssMiB } from "./measure";
import type { Processes } from "./processes";
import { startYunpan, trpc, type Yunpan } from "./yunpan";

interface Stream {
  req: http.ClientRequest;
  /** Resolves with the arrival time (performance.now) of the next `id:` line. */
  next(): Promise<number>;
}

function openStream(y: Yunpan, auth: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${y.url}/api/events`);
    let waiting: ((t: number) => void) | null = null;
    const req = http.get({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { ...auth, Accept: "text/event-stream" }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /api/events: ${res.statusCode}`));
      res.setEncoding("utf8");
      res.on("data", (text: string) => {
        if (waiting && /(^|\n)id:/.test(text)) {
          const w = waiting;
          waiting = null;
          w(performance.now());
        }
      });
      res.on("error", () => {});
      resolve({ req, next: () => new Promise((r) => (waiting = r)) });
    });
    req.on("error", reject);
  });
}

/**
 * Streams opened per app password: a password is limited to 6,000 uses a minute (apiTokenUse),
 * so each batch of streams gets fresh ones, well under it.
 */
const STREAMS_PER_TOKEN = 2000;

async function openStreams(y: Yunpan, n: number): Promise<Stream[]> {
  const auths: Record<string, string>[] = [];
  while (auths.length * STREAMS_PER_TOKEN < n) {
    const { token } = await trpc<{ token: string }>(y, "mutation", "auth.tokens.create", { name: `bench-streams-${auths.length}` });
    auths.push({ Authorization: `Bearer ${token}` });
  }
  const out: Stream[] = [];
  // In batches, so the accept queue is not overrun.
  for (let i = 0; i < n; i += 200) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, j) => openStream(y, auths[Math.floor((i + j) / STREAMS_PER_TOKEN)]!)))));
  }
  return out;
}

/**
 * The server's RSS once the streams sit idle: opening 10,000 streams (10,000 authenticated
 * requests) leaves garbage that V8's memory reducer collects only after allocation stops, so a
 * reading taken at once counts that garbage too (it swung from +51 to +201 MiB between runs). The
 * lowest reading over 30 s of silence is what the streams themselves hold.
 */
async function settledRssMiB(pid: number): Promise<{ first: number; rss: number }> {
  await new Promise((r) => setTimeout(r, 5000));
  const first = peakRssMiB([pid], "VmRSS");
  let rss = first;
  for (let i = 0; i < 25; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    rss = Math.min(rss, peakRssMiB([pid], "VmRSS"));
  }
  return { first, rss };
}

const closeAll = (streams: Stream[]) => streams.forEach((s) => s.req.destroy());
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;

/** 4 KiB tus uploads, one after another, for `seconds`; answers uploads per second. */
async function smallUploads(y: Yunpan, seconds: number, tag: string): Promise<number> {
  const body = Buffer.alloc(4096, 7);
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const send = (method: string, target: string, headers: Record<string, string | number>, data?: Buffer) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const u = new URL(target, y.url);
      const req = http.request({ method, hostname: u.hostname, port: u.port, path: u.pathname, headers: { ...y.auth, "Tus-Resumable": "1.0.0", ...headers } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res));
      });
      req.on("error", reject);
      req.end(data);
    });
  while (performance.now() < end) {
    const name = Buffer.from(`${tag}-${n}-${Date.now()}.txt`).toString("base64");
    const created = await send("POST", "/api/upload", { "Upload-Length": body.length, "Upload-Metadata": `filename ${name}` });
    if (created.statusCode !== 201) throw new Error(`tus POST: ${created.statusCode}`);
    const patched = await send("PATCH", created.headers.location!, { "Upload-Offset": 0, "Content-Type": "application/offset+octet-stream", "Content-Length": body.length }, body);
    if (patched.statusCode !== 204) throw new Error(`tus PATCH: ${patched.statusCode}`);
    n++;
  }
  return n / seconds;
}

export async function eventsBench(procs: Processes, options: { entry: string; tmp: string; quick: boolean; reps: number }): Promise<string[]> {
  const clients = Number(process.env.BENCH_SSE_CLIENTS ?? (options.quick ? 200 : 1000));
  const idle = Number(process.env.BENCH_SSE_IDLE ?? (options.quick ? 2000 : 10_000));
  const changes = options.quick ? 5 : 20;
  const uploadSeconds = options.quick ? 10 : 30;
  const lines: string[] = [];
  const y = await startYunpan(procs, { name: "Yunpan (events)", entry: options.entry, dataDir: path.join(options.tmp, "yunpan-events") });
  const root = (await trpc<{ folder: { id: string } }>(y, "query", "drive.list", {})).folder.id;

  // 1. Fan-out latency.
  console.error(`bench: events: ${clients} SSE clients, ${changes} changes …`);
  const streams = await openStreams(y, clients);
  await new Promise((r) => setTimeout(r, 2000));
  const latencies: number[] = [];
  const toAll: number[] = [];
  for (let i = 0; i < changes; i++) {
    const arrivals = Promise.all(streams.map((s) => s.next()));
    const t0 = performance.now();
    await trpc(y, "mutation", "drive.createFolder", { parentId: root, name: `bench-${i}-${Date.now()}` });
    const times = (await arrivals).map((t) => t - t0);
    latencies.push(...times);
    toAll.push(Math.max(...times));
  }
  closeAll(streams);
  latencies.sort((a, b) => a - b);
  lines.push(
    `| ${clients} SSE clients, one folder create (×${changes}) | per-client latency p50 ${pct(latencies, 0.5).toFixed(1)} ms, p99 ${pct(latencies, 0.99).toFixed(1)} ms (goal p99 < 250 ms: ${(pct(latencies, 0.99) / 250).toFixed(2)}× the goal); until every client has it: median ${median(toAll).toFixed(1)} ms, max ${Math.max(...toAll).toFixed(1)} ms |`,
  );

  // 2. Idle streams.
  await new Promise((r) => setTimeout(r, 3000));
  console.error(`bench: events: ${idle} idle streams …`);
  const before = peakRssMiB([y.proc.pid], "VmRSS");
  const idleStreams = await openStreams(y, idle);
  const settled = await settledRssMiB(y.proc.pid);
  closeAll(idleStreams);
  const added = settled.rss - before;
  lines.push(
    `| ${idle} idle SSE streams | RSS ${before.toFixed(0)} → ${settled.rss.toFixed(0)} MiB: +${added.toFixed(0)} MiB (${((added * 1024) / idle).toFixed(1)} KiB per stream; goal < 150 MiB: ${(added / 150).toFixed(2)}× the goal); 5 s after the last stream opened: ${settled.first.toFixed(0)} MiB |`,
  );
  await procs.stop(y.proc);

  // 3. Small uploads, change log on vs off, interleaved.
  console.error(`bench: events: 4 KiB uploads, change log on vs off, ${options.reps} reps of ${uploadSeconds} s …`);
  const on = await startYunpan(procs, { name: "Yunpan (change log on)", entry: options.entry, dataDir: path.join(options.tmp, "yunpan-log-on") });
  const off = await startYunpan(procs, { name: "Yunpan (change log off)", entry: options.entry, dataDir: path.join(options.tmp, "yunpan-log-off"), env: { YUNPAN_BENCH_NO_CHANGE_LOG: "1" } });
  const rates: { on: number[]; off: number[] } = { on: [], off: [] };
  for (let rep = 0; rep < options.reps; rep++) {
    rates.on.push(await smallUploads(on, uploadSeconds, `on${rep}`));
    rates.off.push(await smallUploads(off, uploadSeconds, `off${rep}`));
  }
  await procs.stop(on.proc);
  await procs.stop(off.proc);
  const ratio = median(rates.on) / median(rates.off);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(", ");
  lines.push(
    `| 4 KiB tus uploads/s, sequential | change log on ${median(rates.on).toFixed(1)}/s [${fmt(rates.on)}], off ${median(rates.off).toFixed(1)}/s [${fmt(rates.off)}]: on/off ${ratio.toFixed(2)}× (goal ≥ 0.95×) |`,
  );
  return ["| events scenario | result |", "|---|---|", ...lines, "", "- change log off = the same dist/server.mjs started with YUNPAN_BENCH_NO_CHANGE_LOG=1 (appendChange writes nothing; bench only)"];
}
