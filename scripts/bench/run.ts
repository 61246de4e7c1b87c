// `npm run bench`: Yunpan's byte paths against bare baselines, measured side by side in one run
// (variants interleaved rep by rep, medians), each with the server's CPU and peak RSS; the
// methods are those of shared/notes/baselines.md. Prints a Markdown table; asserts nothing.
//
//   BENCH_QUICK=1        256 MiB files, 500 ranges (for development)
//   BENCH_SIZE_MIB       upload/download file size (default 2048)
//   BENCH_INSTANT_MIB    instant-upload file size (default 1024)
//   BENCH_REPS           reps per variant (default 3)
//   BENCH_RANGES         1 MiB ranges per download-ranges rep (default 2000)
//   BENCH_ONLY           comma list of upload,download,ranges,instant,s3,s3direct,dav,events,tracing,search,teams (default all
//                        but search: seeding 100,000 indexed documents and 1,000,000 nodes and the slow
//                        grantee queries took 9.6 min alone (BENCH_SEARCH_FILES=300 BENCH_SEARCH_QUERY_S=20,
//                        load 6-8; up to ~15 min with the defaults), so it runs only when asked for;
//                        teams: only the search bench's name search by a grantee, 1,000,000 nodes over
//                        100 owners, issue 21)
//                        ranges: only the download scenarios' random ranges (Bearer and signed URL rows), not the
//                        whole-file downloads and their idle settling (issue 15's CPU per range request)
//                        s3direct: signed direct upload, the web client's code from Node against lib-storage
//                        (3.3-3.8 min with BENCH_QUICK=1 at load 16-17)
//   BENCH_SEARCH_*       search: scale and database, see search-run.ts and search.ts (PostgreSQL at
//                        BENCH_PG_URL, else a with-postgres.mjs cluster when installed, else PGlite)
//   BENCH_TRACING_MIB    tracing: upload size and range source (default 256, quick 64); tracing.ts
//   BENCH_SSE_CLIENTS    events: SSE clients that each wait for one change (default 1000, quick 200)
//   BENCH_SSE_IDLE       events: idle SSE streams whose added RSS is measured (default 10000, quick 2000)
//   BENCH_BUILD=1        rebuild dist/server.mjs (it is rebuilt anyway when missing or older than the sources)
//   BENCH_SETTLE_S       before a timed whole-file download, how long a fresh process may idle until its
//                        first memory-reducer mark-compact (default 60, quick 30; see yunpan.ts)
//   BENCH_PROFILE_DIR    Yunpan processes and the upload clients write V8 CPU profiles (--cpu-prof) there (skews
//                        timings); the report then lists each scenario's top frames (self and total time) in its
//                        timed runs, per process
//
// Every Yunpan row is the production server (`node dist/server.mjs`, Next loaded), and every rep of
// a Yunpan row runs in a FRESH process (restarted untimed before the rep, same data): the per-rep
// ratios, CPU per GiB and the spread are per process, so a bimodal path shows instead of being
// averaged away. The notes list each process's start-up peak RSS (VmHWM) and idle RSS.
//
// Duration on the 2-vCPU dev VM (busy with other work), measured before every Yunpan rep got a
// fresh production process: BENCH_QUICK=1 about 4.5 min, the full run about 27 min, of which the S3
// scenario takes ~13 min. Fresh processes add a start per Yunpan rep (5-20 s) and 40 s of idle per
// whole-file download rep: BENCH_QUICK=1 BENCH_ONLY=download took 9 min at load 1.5-21.
//
// Everything listens on 127.0.0.1 on free ports; every process started here is stopped by its PID
// at the end (also on failure or Ctrl-C) and the temp dir, with the generated files, is removed.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { createSHA256 } from "hash-wasm";
import { curlDownload, fetchRanges, MiB, seededOffsets, sha256OfGet, tusUpload } from "./clients";
import { cpuSeconds, cpuSecondsOf, machineLine, median } from "./measure";
import { startNginx, nginxVersion } from "./nginx";
import { freePort, Processes, waitUntil, type Started } from "./processes";
import { Bench, type Scenario, type Variant } from "./report";
import { cephMissing, startRgw } from "./rgw";
import { patchSize } from "../../server/upload/part-size.ts";
import { ensureFullServerBuild, root, startedYunpans, startYunpan, trpc, type Yunpan } from "./yunpan";
import { davTransferScenarios, propfindScenarios } from "./dav";
import { eventsBench } from "./events";
import { searchBench } from "./search";
import { tracingScenarios } from "./tracing";
import { profileReport } from "./profiles";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const quick = process.env.BENCH_QUICK === "1";
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const config = {
  size: num("BENCH_SIZE_MIB", quick ? 256 : 2048) * MiB,
  instantSize: num("BENCH_INSTANT_MIB", quick ? 256 : 1024) * MiB,
  reps: num("BENCH_REPS", 3), // at least 3 fresh processes per Yunpan row, also in BENCH_QUICK
  ranges: num("BENCH_RANGES", quick ? 500 : 2000),
  only: new Set((process.env.BENCH_ONLY ?? "upload,download,instant,s3,s3direct,dav,events,tracing").split(",").map((s) => s.trim())),
};
const CHUNK = 8 * MiB;
const RANGE = MiB;
const CONCURRENCY = 8;
const ACCEL_PREFIX = "/_blobs/";
const sizeLabel = (bytes: number) => (bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${bytes / MiB} MiB`);

const procs = new Processes();
const tmp = mkdtempSync(path.join(os.tmpdir(), "yunpan-bench-"));
procs.onCleanup(
  "temp dir",
  () => rm(tmp, { recursive: true, force: true }),
  () => rmSync(tmp, { recursive: true, force: true }),
);
process.on("exit", () => procs.killAllSync());
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (procs.stopping) return;
    procs.stopping = true;
    console.error(`bench: ${signal}, stopping everything it started …`);
    void procs.stopAll().finally(() => process.exit(128 + (os.constants.signals[signal] ?? 0)));
  });
}

/** Random bytes (so nothing compresses or dedups by accident), hashed as they are written. */
function makeFile(file: string, bytes: number): string {
  const fd = openSync(file, "w");
  const buf = Buffer.allocUnsafe(8 * MiB);
  const hash = createHash("sha256");
  for (let off = 0; off < bytes; off += buf.length) {
    const n = Math.min(buf.length, bytes - off);
    randomFillSync(buf, 0, n);
    hash.update(buf.subarray(0, n));
    writeSync(fd, buf, 0, n);
  }
  closeSync(fd);
  return hash.digest("hex");
}

async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const sha256OfFile = (file: string) => sha256OfStream(createReadStream(file, { highWaterMark: MiB }));

function readSlice(file: string, start: number, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, start);
    return buf;
  } finally {
    closeSync(fd);
  }
}

function check(what: string, got: string, want: string): string {
  if (got !== want) throw new Error(`${what}: sha256 ${got}, expected ${want}`);
  return `${what}: sha256 matches the source (${want.slice(0, 12)}…)`;
}

/** Any HTTP answer at all (the bare servers have no health route). */
async function answers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return true;
}

async function startBare(name: string, script: string, dir: string): Promise<{ proc: Started; url: string }> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const proc = procs.start(name, process.execPath, [path.join(root, "scripts/bench", script)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", PORT: String(port), DIR: dir },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(`${name} to listen`, proc, () => answers(url));
  return { proc, url };
}

function emptyDir(dir: string) {
  for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { force: true });
}

const blobPathOf = (sha: string) => `${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;

// ---------------------------------------------------------------------------------------------
// Local uploads and downloads

interface Source {
  file: string;
  sha256: string;
  size: number;
}

async function uploadScenarios(src: Source, yunpan: Yunpan): Promise<{ scenarios: Scenario[]; nodeId: () => string | null }> {
  const pipe = await startBare("bare pipe server", "bare-pipe-server.mjs", path.join(tmp, "bare-pipe"));
  const tus = await startBare("bare tus server", "bare-tus-server.mjs", path.join(tmp, "bare-tus"));
  let lastNodeId: string | null = null;
  const variants = (chunk: number, tag: string): Variant[] => [
    {
      name: "bare node:http, pipeline(req, createWriteStream)",
      baseline: true,
      processes: () => [{ label: "node", pid: pipe.proc.pid }],
      bytes: src.size,
      run: async (rep) => void (await tusUpload({ endpoint: `${pipe.url}/files`, file: src.file, size: src.size, chunk, filename: `pipe-${tag}-${rep}` })),
      verify: async () => {
        const files = readdirSync(path.join(tmp, "bare-pipe"));
        return check("stored file", await sha256OfFile(path.join(tmp, "bare-pipe", files[0]!)), src.sha256);
      },
      after: async () => emptyDir(path.join(tmp, "bare-pipe")),
    },
    {
      name: "bare @tus/server + @tus/file-store",
      processes: () => [{ label: "node", pid: tus.proc.pid }],
      bytes: src.size,
      run: async (rep) => void (await tusUpload({ endpoint: `${tus.url}/files`, file: src.file, size: src.size, chunk, filename: `tus-${tag}-${rep}` })),
      verify: async () => {
        const data = readdirSync(path.join(tmp, "bare-tus")).find((f) => !f.endsWith(".json"))!;
        return check("stored file", await sha256OfFile(path.join(tmp, "bare-tus", data)), src.sha256);
      },
      after: async () => emptyDir(path.join(tmp, "bare-tus")),
    },
    {
      name: "Yunpan dist/server.mjs (Bearer token, sha256, DB commit)",
      processes: () => [{ label: "Yunpan", pid: yunpan.proc.pid }],
      before: () => yunpan.restart(),
      bytes: src.size,
      run: async (rep) => {
        const r = await tusUpload({ endpoint: `${yunpan.url}/api/upload`, headers: yunpan.auth, file: src.file, size: src.size, chunk, filename: `yunpan-${tag}-${rep}.bin` });
        if (!r.nodeId) throw new Error("Yunpan's last PATCH carried no Upload-Node-Id");
        lastNodeId = r.nodeId;
      },
      verify: async () => {
        const got = await sha256OfGet(`${yunpan.url}/api/files/${lastNodeId}/content`, yunpan.auth);
        return check(`committed file (GET /api/files/{id}/content, ${got.status})`, got.sha256, src.sha256);
      },
    },
  ];
  return {
    scenarios: [
      {
        title: `tus upload ${sizeLabel(src.size)}, 1 PATCH`,
        variants: variants(src.size, "one"),
        notes: [],
      },
      {
        title: `tus upload ${sizeLabel(src.size)}, 8 MiB PATCHes`,
        variants: variants(CHUNK, "8m"),
        notes: [],
      },
    ],
    nodeId: () => lastNodeId,
  };
}

async function downloadScenarios(src: Source, a: Yunpan, nodeIdA: string, entry: string): Promise<{ whole: Scenario; ranges: Scenario }> {
  // X-Accel-Redirect needs its own Yunpan (the mode is process-wide) behind nginx.
  const b = await startYunpan(procs, { name: "Yunpan (X-Accel-Redirect)", entry, dataDir: path.join(tmp, "yunpan-accel"), env: { ACCEL_REDIRECT_PREFIX: ACCEL_PREFIX } });
  const upB = await tusUpload({ endpoint: `${b.url}/api/upload`, headers: b.auth, file: src.file, size: src.size, chunk: src.size, filename: "download.bin" });
  const nginx = await startNginx(procs, {
    dir: path.join(tmp, "nginx"),
    directPort: await freePort(),
    accelPort: await freePort(),
    blobsDir: path.join(a.dataDir, "blobs"),
    accelBlobsDir: path.join(b.dataDir, "blobs"),
    accelPrefix: ACCEL_PREFIX,
    upstreamPort: Number(new URL(b.url).port),
  });
  const targets = [
    {
      name: "nginx sendfile, direct",
      baseline: true,
      url: nginx.directUrl(blobPathOf(src.sha256)),
      headers: {},
      processes: () => [{ label: "nginx", pid: nginx.worker }, { label: "master", pid: nginx.master.pid }],
      yunpan: null,
      settle: false,
    },
    {
      name: "nginx X-Accel-Redirect ← Yunpan",
      url: `${nginx.accelBase}/api/files/${upB.nodeId}/content`,
      headers: b.auth,
      processes: () => [
        { label: "nginx", pid: nginx.worker },
        { label: "Yunpan", pid: b.proc.pid },
      ],
      yunpan: b,
      settle: false,
    },
    {
      name: "Yunpan dist/server.mjs, direct",
      url: `${a.url}/api/files/${nodeIdA}/content`,
      headers: a.auth,
      processes: () => [{ label: "Yunpan", pid: a.proc.pid }],
      yunpan: a,
      settle: true,
    },
  ];
  const offsets = seededOffsets(20240601, config.ranges, src.size, RANGE);
  const whole: Scenario = {
    title: `download ${sizeLabel(src.size)} (curl)`,
    notes: [],
    variants: targets.map((t) => ({
      name: t.name,
      baseline: t.baseline,
      processes: t.processes,
      // A fresh process per rep, idle until settled: the state in which the old path crawled.
      before: t.yunpan ? () => t.yunpan!.restart({ settle: t.settle }) : undefined,
      bytes: src.size,
      run: async () => void (await curlDownload(t.url, src.size, t.headers)),
      verify: async () => {
        const got = await sha256OfGet(t.url, t.headers);
        if (got.status !== 200) throw new Error(`${t.url}: ${got.status}`);
        return check("whole download", got.sha256, src.sha256);
      },
    })),
  };
  // Ranges through a signed /api/blob/ URL (no session, no database query per request), beside
  // the Bearer-token rows above: the URL is asked for once per fresh process, as a player does.
  const signedUrls = new Map<Yunpan, string>();
  const signedUrlOf = async (y: Yunpan, nodeId: string, base: string) => {
    const res = await fetch(`${y.url}/api/files/${nodeId}/content?redirect=1`, { headers: y.auth, redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status !== 302 || !location?.startsWith("/api/blob/")) throw new Error(`signed URL: ${res.status} ${location}`);
    signedUrls.set(y, base + location);
  };
  const signedTargets = [
    {
      name: "nginx X-Accel-Redirect ← Yunpan signed URL",
      url: "",
      signed: { yunpan: b, nodeId: upB.nodeId!, base: nginx.accelBase },
      headers: {},
      processes: () => [
        { label: "nginx", pid: nginx.worker },
        { label: "Yunpan", pid: b.proc.pid },
      ],
      yunpan: b,
      baseline: undefined,
    },
    {
      name: "Yunpan dist/server.mjs, signed URL",
      url: "",
      signed: { yunpan: a, nodeId: nodeIdA, base: a.url },
      headers: {},
      processes: () => [{ label: "Yunpan", pid: a.proc.pid }],
      yunpan: a,
      baseline: undefined,
    },
  ];
  const rangeTargets = [...targets.map((t) => ({ ...t, signed: null as (typeof signedTargets)[number]["signed"] | null })), ...signedTargets];
  const urlOf = (t: (typeof rangeTargets)[number]) => (t.signed ? signedUrls.get(t.signed.yunpan)! : t.url);
  const ranges: Scenario = {
    title: `download ${config.ranges} random 1 MiB ranges, c${CONCURRENCY}, keep-alive`,
    notes: [
      "MiB/s = req/s; the same seeded offsets for every variant; every answer checked to be a 206 of exactly 1 MiB",
      "signed URL rows: the URL comes from one `?redirect=1` per fresh process (untimed); each range is then checked by its HMAC alone",
      `Yunpan rows: each fresh process first serves ${config.ranges} untimed ranges of the same kind (other offsets), so the timed ones meet warm code, as nginx meets a warm file cache`,
    ],
    variants: rangeTargets.map((t) => ({
      name: t.name,
      baseline: t.baseline,
      processes: t.processes,
      // A fresh process, warmed by as many untimed ranges as the timed run (other offsets, same
      // URL, concurrency and keep-alive) so the timed requests meet optimised code, as nginx meets a
      // warm open-file cache; 64 left the JIT's warm-up in the timed run (issue 15).
      before: t.yunpan
        ? async () => {
            await t.yunpan!.restart();
            if (t.signed) await signedUrlOf(t.signed.yunpan, t.signed.nodeId, t.signed.base);
            await fetchRanges({ url: urlOf(t), offsets: seededOffsets(11, config.ranges, src.size, RANGE), length: RANGE, concurrency: CONCURRENCY, headers: t.headers });
          }
        : undefined,
      bytes: config.ranges * RANGE,
      requests: config.ranges,
      run: () => fetchRanges({ url: urlOf(t), offsets, length: RANGE, concurrency: CONCURRENCY, headers: t.headers }),
      verify: async () => {
        const sample = seededOffsets(7, 64, src.size, RANGE);
        if (t.signed && !signedUrls.has(t.signed.yunpan)) await signedUrlOf(t.signed.yunpan, t.signed.nodeId, t.signed.base);
        await fetchRanges({ url: urlOf(t), offsets: sample, length: RANGE, concurrency: CONCURRENCY, headers: t.headers, source: (s, n) => readSlice(src.file, s, n) });
        return `64 ranges compared byte for byte with the source: all equal`;
      },
    })),
  };
  return { whole, ranges };
}

// ---------------------------------------------------------------------------------------------
// Instant upload (needs tRPC, so the full server)

/** What the browser does (components/upload/hash.worker.ts): hash-wasm over 8 MiB slices. */
async function hashWasmFile(file: string): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  const fh = await open(file, "r");
  try {
    const buf = Buffer.allocUnsafe(8 * MiB);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hasher.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return hasher.digest("hex");
}

async function hashWasmRanges(file: string, ranges: { start: number; end: number }[]): Promise<string[]> {
  const hasher = await createSHA256();
  return ranges.map((r) => {
    hasher.init();
    hasher.update(readSlice(file, r.start, r.end - r.start + 1));
    return hasher.digest("hex");
  });
}

async function instantScenario(src: Source): Promise<Scenario> {
  const entry = ensureFullServerBuild();
  const d = await startYunpan(procs, { name: "Yunpan full server", entry, dataDir: path.join(tmp, "yunpan-full") });
  const list = await trpc<{ folder: { id: string } }>(d, "query", "drive.list", {});
  const rootId = list.folder.id;
  // The content is known before the timed reps: every rep's full upload is the same re-upload.
  await tusUpload({ endpoint: `${d.url}/api/upload`, headers: d.auth, file: src.file, size: src.size, chunk: CHUNK, filename: "known.bin" });
  let fullNode: string | null = null;
  let instantNode: string | null = null;
  const pids = () => [{ label: "Yunpan", pid: d.proc.pid }];
  return {
    title: `instant upload of a known ${sizeLabel(src.size)} file`,
    notes: [
      "the full upload uses 8 MiB PATCHes like the browser; the browser also hashes every file ≥ 4 MiB before it uploads, so in the browser a full upload costs the client hash too",
      "server: dist/server.mjs (Next + tRPC), since instantPrepare/instantCommit are tRPC mutations",
    ],
    variants: [
      {
        name: "full tus upload",
        baseline: true,
        processes: pids,
        before: () => d.restart(),
        bytes: src.size,
        run: async (rep) => {
          const r = await tusUpload({ endpoint: `${d.url}/api/upload`, headers: d.auth, file: src.file, size: src.size, chunk: CHUNK, filename: `full-${rep}.bin`, metadata: { parentId: rootId } });
          fullNode = r.nodeId;
        },
        verify: async () => check("committed file", (await sha256OfGet(`${d.url}/api/files/${fullNode}/content`, d.auth)).sha256, src.sha256),
      },
      {
        name: "instant: hash-wasm sha256 + prepare + prove 3 ranges + commit",
        processes: pids,
        before: () => d.restart(),
        bytes: src.size,
        run: async (rep) => {
          const t0 = performance.now();
          const sha256 = await hashWasmFile(src.file);
          const t1 = performance.now();
          const filename = `instant-${rep}.bin`;
          const prep = await trpc<{ kind: "upload" } | { kind: "challenge"; challenge: string; ranges: { start: number; end: number }[] }>(d, "mutation", "upload.instantPrepare", {
            parentId: rootId,
            filename,
            size: src.size,
            sha256,
          });
          if (prep.kind !== "challenge") throw new Error(`instantPrepare answered ${prep.kind} for a stored file`);
          const answers = await hashWasmRanges(src.file, prep.ranges);
          const node = await trpc<{ id: string; size: number }>(d, "mutation", "upload.instantCommit", { challenge: prep.challenge, answers });
          const t2 = performance.now();
          if (node.size !== src.size) throw new Error(`instantCommit made a node of ${node.size} bytes`);
          instantNode = node.id;
          return { hashSeconds: (t1 - t0) / 1000, protocolSeconds: (t2 - t1) / 1000, "note:client hash-wasm s": (t1 - t0) / 1000, "note:prepare + prove + commit s": (t2 - t1) / 1000 };
        },
        verify: async () => check("instant file", (await sha256OfGet(`${d.url}/api/files/${instantNode}/content`, d.auth)).sha256, src.sha256),
      },
    ],
    derived: [{ name: "instant, round trips only (client hash excluded)", from: "instant: hash-wasm sha256 + prepare + prove 3 ranges + commit", seconds: (x) => x.protocolSeconds!, bytes: src.size }],
  };
}

// ---------------------------------------------------------------------------------------------
// S3 (Ceph RGW, bluestore)

/** The lib-storage baseline as a long-lived process: one JSON line per upload. */
function startDirectUploader(env: Record<string, string>) {
  const client = startLineClient("lib-storage uploader", [path.join(root, "scripts/bench/s3-direct-upload.mjs")], env);
  return {
    proc: client.proc,
    ready: client.ready,
    async upload(file: string, key: string) {
      const reply = await client.send({ file, key });
      if (!reply.ok) throw new Error(`lib-storage upload failed: ${reply.error}`);
    },
  };
}

/** A client process that prints "ready", then answers each JSON line on stdin with one JSON line. */
function startLineClient(label: string, args: string[], env: Record<string, string>) {
  // BENCH_PROFILE_DIR: the clients are profiled like Yunpan (they exit cleanly on SIGTERM so the profile is written).
  const profile = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`] : [];
  const proc = procs.start(label, process.execPath, [...profile, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  createInterface({ input: proc.child.stdout! }).on("line", (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const l = lines.shift();
      if (l !== undefined) return resolve(l);
      // One exit listener per line awaited, removed once the line came (they piled up past Node's 10).
      const onExit = (code: number | null) => reject(new Error(`the uploader exited (${code}):\n${proc.output()}`));
      proc.child.once("exit", onExit);
      waiting.push((line) => {
        proc.child.off("exit", onExit);
        resolve(line);
      });
    });
  return {
    proc,
    ready: nextLine,
    async send(request: unknown): Promise<{ ok: boolean; error?: string; nodeId?: string; hashSeconds?: number }> {
      proc.child.stdin!.write(JSON.stringify(request) + "\n");
      return JSON.parse(await nextLine()) as { ok: boolean; error?: string; nodeId?: string; hashSeconds?: number };
    },
  };
}

async function s3Scenario(src: Source, entry: string): Promise<Scenario> {
  const missing = cephMissing();
  if (missing.length) throw new Error(`Ceph is not installed (missing ${missing.join(", ")}); run: bash scripts/ceph-rgw.sh install`);
  const gib = src.size / 1024 ** 3;
  // Bluestore's block file is sparse; RGW only frees deleted objects after its GC delay (2 h), so
  // size it for every byte the run writes (3 variants per rep, Yunpan's duplicates included).
  const storeGiB = Math.ceil(gib * (config.reps * 3 + 2) * 1.5) + 4;
  console.error(`bench: starting Ceph RGW (bluestore, ${storeGiB} GiB sparse) …`);
  const started = Date.now();
  const rgw = await startRgw(procs, path.join(tmp, "ceph"), storeGiB);
  console.error(`bench: RGW on ${rgw.endpoint} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const partSize = Math.max(CHUNK, Math.ceil(src.size / 10_000 / MiB) * MiB);
  const queue = 8;
  const s3Env = {
    S3_ENDPOINT: rgw.endpoint,
    S3_BUCKET: rgw.bucket,
    S3_ACCESS_KEY_ID: rgw.accessKeyId,
    S3_SECRET_ACCESS_KEY: rgw.secretAccessKey,
    S3_REGION: rgw.region,
  };
  const s3tmp = path.join(tmp, "s3-staging");
  mkdirSync(s3tmp, { recursive: true });
  const c = await startYunpan(procs, {
    name: "Yunpan (S3)",
    entry,
    dataDir: path.join(tmp, "yunpan-s3"),
    env: { ...s3Env, STORAGE: "s3", S3_PART_SIZE: `${partSize}`, S3_UPLOAD_CONCURRENCY: String(queue), TMPDIR: s3tmp },
  });
  const direct = startDirectUploader({ ...s3Env, PART_SIZE: String(partSize), QUEUE_SIZE: String(queue) });
  await direct.ready();
  const rgwCpu = () => cpuSeconds(rgw.pids());
  const withRgwCpu = async (run: () => Promise<void>) => {
    const before = rgwCpu();
    await run();
    return { "note:RGW + OSD + mon CPU s": rgwCpu() - before };
  };
  // The web client's PATCH: as many whole parts as the store uploads at once (upload.config).
  const webPatch = patchSize(src.size, partSize, queue);
  let lastKey = "";
  const nodes: Record<string, string | null> = {};
  const yunpanVariant = (chunk: number, tag: string, label: string): Variant => ({
    name: label,
    processes: () => [{ label: "Yunpan", pid: c.proc.pid }],
    before: () => c.restart(),
    bytes: src.size,
    run: (rep) =>
      withRgwCpu(async () => {
        const r = await tusUpload({ endpoint: `${c.url}/api/upload`, headers: c.auth, file: src.file, size: src.size, chunk, filename: `s3-${tag}-${rep}.bin` });
        nodes[tag] = r.nodeId;
      }),
    verify: async () => check("committed object (GET through Yunpan)", (await sha256OfGet(`${c.url}/api/files/${nodes[tag]}/content`, c.auth)).sha256, src.sha256),
  });
  return {
    title: `S3 upload ${sizeLabel(src.size)} (Ceph RGW bluestore)`,
    cpuNote: "the CPU and RSS columns are the uploading process's: Yunpan (the tus gateway) or the lib-storage client; RGW's own CPU is in the notes",
    notes: [
      `part size ${partSize / MiB} MiB and ${queue} parts in flight for both (Yunpan: S3_PART_SIZE, S3_UPLOAD_CONCURRENCY)`,
      "a tus client sending one part per PATCH gets one part in flight at a time (the PATCH must be stored before its answer); ours sends S3_UPLOAD_CONCURRENCY parts per PATCH",
    ],
    variants: [
      {
        name: `@aws-sdk/lib-storage multipart, direct`,
        baseline: true,
        processes: () => [{ label: "client", pid: direct.proc.pid }],
        bytes: src.size,
        run: (rep) =>
          withRgwCpu(async () => {
            lastKey = `direct-${rep}.bin`;
            await direct.upload(src.file, lastKey);
          }),
        verify: async () => {
          const got = await rgw.client.send(new GetObjectCommand({ Bucket: rgw.bucket, Key: lastKey }));
          return check("object (GetObject)", await sha256OfStream(got.Body as Readable), src.sha256);
        },
        after: async () => void (await rgw.client.send(new DeleteObjectCommand({ Bucket: rgw.bucket, Key: lastKey }))),
      },
      yunpanVariant(src.size, "one", "Yunpan tus → S3, 1 PATCH"),
      yunpanVariant(webPatch, "web", `Yunpan tus → S3, ${webPatch / MiB} MiB PATCHes (as the web client sends them)`),
    ],
  };
}

/**
 * Signed direct upload (BENCH_ONLY=s3direct): a Node client doing what the browser does (the web
 * client's own modules: one read of the file for its sha256 and the parts' MD5s before the rep, as
 * the hash worker does before it asks for an instant upload; then presigned parts with Content-MD5,
 * 6 at a time) against lib-storage from the same kind of client process, same part size and 6 parts
 * in flight. The Yunpan row runs until the file is verified (the blob.verify job streamed it once);
 * the derived rows stop when directComplete answers, which is what the uploader waits for, without
 * and with the hash pass.
 */
async function s3DirectScenario(src: Source, entry: string): Promise<Scenario> {
  const missing = cephMissing();
  if (missing.length) throw new Error(`Ceph is not installed (missing ${missing.join(", ")}); run: bash scripts/ceph-rgw.sh install`);
  const gib = src.size / 1024 ** 3;
  const storeGiB = Math.ceil(gib * (config.reps * 3 + 2) * 1.5) + 4; // a second Yunpan upload per rep
  console.error(`bench: starting Ceph RGW (bluestore, ${storeGiB} GiB sparse) …`);
  const rgw = await startRgw(procs, path.join(tmp, "ceph-direct"), storeGiB);
  const partSize = Math.max(CHUNK, Math.ceil(src.size / 10_000 / MiB) * MiB);
  const queue = 6; // PARALLEL_PARTS of the web client
  const s3Env = { S3_ENDPOINT: rgw.endpoint, S3_BUCKET: rgw.bucket, S3_ACCESS_KEY_ID: rgw.accessKeyId, S3_SECRET_ACCESS_KEY: rgw.secretAccessKey, S3_REGION: rgw.region };
  const c = await startYunpan(procs, { name: "Yunpan (S3, direct upload)", entry, dataDir: path.join(tmp, "yunpan-s3-direct"), env: { ...s3Env, STORAGE: "s3", S3_PART_SIZE: `${partSize}` } });
  const libStorage = startDirectUploader({ ...s3Env, PART_SIZE: String(partSize), QUEUE_SIZE: String(queue) });
  await libStorage.ready();
  const client = startLineClient("direct-upload client", ["--import", "tsx", path.join(root, "scripts/bench/yunpan-direct-upload.ts")], {
    YUNPAN_URL: c.url,
    YUNPAN_TOKEN: c.auth.Authorization!.replace(/^Bearer /, ""),
  });
  await client.ready();
  const rgwCpu = () => cpuSeconds(rgw.pids());
  let lastKey = "";
  let nodeId = "";
  let hashPass = { seconds: 0, cpu: 0 };
  /**
   * Until the file's ETag is its real sha256: the verification job has run (HEAD, no body). Each
   * HEAD costs Yunpan a token lookup and a file lookup in its database, a visible share of the
   * verification phase's CPU in a profile at 10 polls a second, so it polls 4 times a second.
   */
  const verified = async (id = nodeId) => {
    for (;;) {
      const res = await fetch(`${c.url}/api/files/${id}/content`, { method: "HEAD", headers: c.auth });
      if (res.headers.get("etag") === `"${src.sha256}"`) return;
      if (procs.stopping) throw new Error("stopping");
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  // The timed upload is a fresh process's first (first-use compiles and query plans included); a
  // second upload of the file in the same process, untimed after each rep, shows the steady cost.
  const again: { mibs: number[]; upload: number[]; verify: number[] } = { mibs: [], upload: [], verify: [] };
  const notes = [
    `part size ${partSize / MiB} MiB and ${queue} parts in flight for both`,
    "before it uploads, the Yunpan client reads the file once for its sha256 and the parts' MD5s (the browser's hash worker does so to offer an instant upload first): timed apart, in the notes and in the last row",
    "Yunpan's CPU is split in the notes: the upload (directStart to directComplete) and the verification job (blob.verify streams the object back once to check its sha256, by design)",
  ];
  const againAt = notes.length;
  const uploadAgain = async () => {
    const [app0, t0] = [cpuSecondsOf(c.proc.pid), performance.now()];
    const reply = await client.send({ file: src.file, filename: `again-${again.mibs.length}.bin`, sha256: src.sha256 });
    if (!reply.ok || !reply.nodeId) throw new Error(`direct upload failed: ${reply.error}`);
    const [app1, t1] = [cpuSecondsOf(c.proc.pid), performance.now()];
    await verified(reply.nodeId);
    again.mibs.push(src.size / MiB / ((t1 - t0) / 1000));
    again.upload.push((app1 - app0) / gib);
    again.verify.push((cpuSecondsOf(c.proc.pid) - app1) / gib);
    const list = (xs: number[]) => `median ${median(xs).toFixed(2)} [${xs.map((x) => x.toFixed(2)).join(", ")}]`;
    notes[againAt] =
      `a second upload in the same process (untimed, after each rep): ${median(again.mibs).toFixed(0)} MiB/s until directComplete [${again.mibs.map((x) => x.toFixed(0)).join(", ")}], ` +
      `Yunpan CPU s/GiB of the upload ${list(again.upload)}, of the verification job ${list(again.verify)}`;
  };
  return {
    title: `S3 signed direct upload ${sizeLabel(src.size)} (Ceph RGW bluestore)`,
    cpuNote: "the CPU and RSS columns are the client's, and Yunpan's on its row; Yunpan's own CPU per phase and RGW's are in the notes",
    notes,
    variants: [
      {
        name: "@aws-sdk/lib-storage multipart, same client",
        baseline: true,
        processes: () => [{ label: "client", pid: libStorage.proc.pid }],
        bytes: src.size,
        run: async (rep) => {
          const before = rgwCpu();
          lastKey = `direct-${rep}.bin`;
          await libStorage.upload(src.file, lastKey);
          return { "note:RGW + OSD + mon CPU s": rgwCpu() - before };
        },
        verify: async () => {
          const got = await rgw.client.send(new GetObjectCommand({ Bucket: rgw.bucket, Key: lastKey }));
          return check("object (GetObject)", await sha256OfStream(got.Body as Readable), src.sha256);
        },
        after: async () => void (await rgw.client.send(new DeleteObjectCommand({ Bucket: rgw.bucket, Key: lastKey }))),
      },
      {
        name: "Yunpan signed direct upload (web client's code), until verified",
        processes: () => [
          { label: "client", pid: client.proc.pid },
          { label: "Yunpan", pid: c.proc.pid },
        ],
        before: async () => {
          await c.restart();
          // The browser's hash worker reads the file before the upload starts (untimed here, in the notes).
          const c0 = cpuSecondsOf(client.proc.pid);
          const reply = await client.send({ op: "hash", file: src.file, sha256: src.sha256 });
          if (!reply.ok || reply.hashSeconds === undefined) throw new Error(`hash pass failed: ${reply.error}`);
          hashPass = { seconds: reply.hashSeconds, cpu: cpuSecondsOf(client.proc.pid) - c0 };
        },
        bytes: src.size,
        run: async (rep) => {
          const [rgw0, app0, client0, t0] = [rgwCpu(), cpuSecondsOf(c.proc.pid), cpuSecondsOf(client.proc.pid), performance.now()];
          const reply = await client.send({ file: src.file, filename: `direct-${rep}.bin`, sha256: src.sha256 });
          if (!reply.ok || !reply.nodeId) throw new Error(`direct upload failed: ${reply.error}`);
          nodeId = reply.nodeId;
          const [app1, client1, t1] = [cpuSecondsOf(c.proc.pid), cpuSecondsOf(client.proc.pid), performance.now()];
          await verified();
          const app2 = cpuSecondsOf(c.proc.pid);
          return {
            uploadSeconds: (t1 - t0) / 1000,
            withHashSeconds: (t1 - t0) / 1000 + hashPass.seconds,
            // CPU of the upload alone (client + Yunpan until directComplete), for its row.
            uploadCpu: client1 - client0 + (app1 - app0),
            "note:Yunpan CPU s/GiB of the upload (directStart to directComplete)": (app1 - app0) / gib,
            "note:Yunpan CPU s/GiB of the verification job (streams the object back, by design)": (app2 - app1) / gib,
            // The CPU column adds the client and Yunpan (verification job included): the client alone, beside lib-storage's.
            "note:client CPU s/GiB of the upload": (client1 - client0) / gib,
            "note:client hash pass s (sha256 + part MD5s, one read; untimed, before the rep)": hashPass.seconds,
            "note:client hash pass CPU s/GiB": hashPass.cpu / gib,
            "note:RGW + OSD + mon CPU s": rgwCpu() - rgw0,
          };
        },
        verify: async () => check("committed object (GET through Yunpan)", (await sha256OfGet(`${c.url}/api/files/${nodeId}/content`, c.auth)).sha256, src.sha256),
        after: uploadAgain,
      },
    ],
    derived: [
      {
        name: "Yunpan signed direct upload, directStart until directComplete answers (client + Yunpan CPU)",
        from: "Yunpan signed direct upload (web client's code), until verified",
        seconds: (x) => x.uploadSeconds!,
        cpu: (x) => x.uploadCpu!,
        bytes: src.size,
      },
      {
        name: "Yunpan signed direct upload with the client's hash pass before it, until directComplete",
        from: "Yunpan signed direct upload (web client's code), until verified",
        seconds: (x) => x.withHashSeconds!,
        bytes: src.size,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  const loadAtStart = os.loadavg()[0]!;
  const cephVersion = spawnSync("ceph", ["--version"], { encoding: "utf8" }).stdout?.trim().replace(/ \(.*$/, "") || "ceph (not installed)";
  const header = [
    `# Yunpan bench${quick ? " (BENCH_QUICK)" : ""}`,
    "",
    machineLine(),
    `nginx ${nginxVersion()}, ${cephVersion}, curl ${execFileSync("curl", ["--version"], { encoding: "utf8" }).split(" ")[1]}`,
    `Files ${sizeLabel(config.size)} (instant upload ${sizeLabel(config.instantSize)}), ${config.reps} reps per variant, interleaved; medians, ` +
      `peak RSS = max VmHWM over the reps (reset before each transfer), CPU = utime+stime from /proc; page cache warm, \`sync\` before each transfer.`,
  ];
  console.error(`bench: ${machineLine()}\nbench: temp dir ${tmp}`);
  const bench = new Bench();

  const wantsDownloads = config.only.has("download") || config.only.has("ranges");
  const needLocal = config.only.has("upload") || wantsDownloads || config.only.has("dav");
  // The server users run, for every scenario (built first when missing or stale); the search
  // section calls the services in-process and needs no build.
  const entry = [...config.only].some((s) => s !== "search" && s !== "teams") ? ensureFullServerBuild() : "";
  const srcFile = path.join(tmp, "source.bin");
  let src: Source | null = null;
  if (needLocal || config.only.has("s3") || config.only.has("s3direct")) {
    console.error(`bench: writing ${sizeLabel(config.size)} of random data …`);
    src = { file: srcFile, size: config.size, sha256: makeFile(srcFile, config.size) };
  }

  if (needLocal && src) {
    const a = await startYunpan(procs, { name: "Yunpan", entry, dataDir: path.join(tmp, "yunpan") });
    let nodeIdA: string | null = null;
    if (config.only.has("upload")) {
      console.error("bench: uploads …");
      const up = await uploadScenarios(src, a);
      await bench.runInterleaved(up.scenarios, config.reps, () => procs.stopping);
      nodeIdA = up.nodeId();
    }
    if (wantsDownloads) {
      if (!nodeIdA) nodeIdA = (await tusUpload({ endpoint: `${a.url}/api/upload`, headers: a.auth, file: src.file, size: src.size, chunk: src.size, filename: "download.bin" })).nodeId;
      console.error("bench: downloads …");
      const { whole, ranges } = await downloadScenarios(src, a, nodeIdA!, entry);
      await bench.runInterleaved(config.only.has("download") ? [whole, ranges] : [ranges], config.reps, () => procs.stopping);
    }
    if (config.only.has("dav")) {
      console.error("bench: WebDAV …");
      await bench.runInterleaved(davTransferScenarios(src, a), config.reps, () => procs.stopping);
      await bench.runInterleaved(await propfindScenarios(a, [10_000, 100_000]), config.reps, () => procs.stopping);
    }
    // Idle servers would only add noise to the next scenarios.
    await procs.stopProcesses();
  }

  if (config.only.has("instant")) {
    console.error("bench: instant upload …");
    const file = path.join(tmp, "known.bin");
    const known: Source = { file, size: config.instantSize, sha256: makeFile(file, config.instantSize) };
    try {
      await bench.runInterleaved([await instantScenario(known)], config.reps, () => procs.stopping);
    } catch (e) {
      if (procs.stopping) return;
      bench.failures.push(`instant upload: ${(e as Error).message}`);
      console.error(`bench: instant upload failed: ${(e as Error).stack}`);
    }
    rmSync(file, { force: true });
  }

  if (config.only.has("s3") && src) {
    console.error("bench: S3 …");
    try {
      await bench.runInterleaved([await s3Scenario(src, entry)], config.reps, () => procs.stopping);
    } catch (e) {
      if (procs.stopping) return;
      bench.failures.push(`S3: ${(e as Error).message}`);
      console.error(`bench: S3 scenario failed: ${(e as Error).stack}`);
    }
  }

  if (config.only.has("s3direct") && src) {
    console.error("bench: S3 signed direct upload …");
    try {
      await bench.runInterleaved([await s3DirectScenario(src, entry)], config.reps, () => procs.stopping);
    } catch (e) {
      if (procs.stopping) return;
      bench.failures.push(`S3 direct upload: ${(e as Error).message}`);
      console.error(`bench: S3 direct upload scenario failed: ${(e as Error).stack}`);
    }
  }

  const tracingLines: string[] = [];
  if (config.only.has("tracing")) {
    console.error("bench: tracing on vs. off …");
    const file = path.join(tmp, "tracing.bin");
    const size = num("BENCH_TRACING_MIB", quick ? 64 : 256) * MiB;
    try {
      const traced = await tracingScenarios(procs, { entry, tmp, src: { file, size, sha256: makeFile(file, size) }, ranges: config.ranges, concurrency: CONCURRENCY });
      await bench.runInterleaved(traced.scenarios, config.reps, () => procs.stopping);
      tracingLines.push(...(await traced.done()));
    } catch (e) {
      if (procs.stopping) return;
      bench.failures.push(`tracing: ${(e as Error).message}`);
      console.error(`bench: tracing scenario failed: ${(e as Error).stack}`);
    }
    await procs.stopProcesses();
    rmSync(file, { force: true });
  }

  let eventLines: string[] = [];
  if (config.only.has("events")) {
    console.error("bench: events …");
    try {
      eventLines = await eventsBench(procs, { entry, tmp, quick, reps: config.reps });
    } catch (e) {
      if (procs.stopping) return;
      bench.failures.push(`events: ${(e as Error).message}`);
      console.error(`bench: events scenario failed: ${(e as Error).stack}`);
    }
  }

  let searchLines: string[] = [];
  // BENCH_ONLY=teams (issue 21): the search bench's name search by a grantee alone.
  if (config.only.has("search") || config.only.has("teams")) {
    console.error("bench: search …");
    try {
      searchLines = await searchBench(procs, { tmp, quick, teamsOnly: !config.only.has("search") });
    } catch (e) {
      if (procs.stopping) return;
      bench.failures.push(`search: ${(e as Error).message}`);
      console.error(`bench: search scenario failed: ${(e as Error).stack}`);
    }
  }

  await procs.stopAll();
  if (procs.stopping) return;
  const minutes = (Date.now() - t0) / 60_000;
  // Other work on the machine shows up as spread between reps; the load average says how much.
  header.push(`Load average (1 min) at start ${loadAtStart.toFixed(2)}, at end ${os.loadavg()[0]!.toFixed(2)}, on ${os.cpus().length} cores.`);
  console.log(header.join("\n"));
  console.log("");
  console.log(bench.markdown());
  if (eventLines.length) console.log(["", ...eventLines, ""].join("\n"));
  if (tracingLines.length) console.log(["", ...tracingLines, ""].join("\n"));
  if (searchLines.length) console.log(["", ...searchLines, ""].join("\n"));
  console.log(
    "- Loopback caveat: client and servers share the same cores over loopback, and with sendfile the client pays for the first touch of the " +
      "page-cache pages, so nginx's MiB/s is client-bound here; compare downloads by server CPU per GiB, which carries over to a real NIC.",
  );
  console.log("\nYunpan processes (`node dist/server.mjs`), one line per fresh process:");
  for (const y of startedYunpans) for (const line of y.processLog) console.log(`- ${y.name}, ${line}`);
  for (const f of bench.failures) console.log(`- FAILED: ${f}`);
  // Profiles are written as the processes exit, so only now (after stopAll) are they complete.
  if (process.env.BENCH_PROFILE_DIR) {
    try {
      console.log(["", ...profileReport(path.resolve(process.env.BENCH_PROFILE_DIR), bench.windows)].join("\n"));
    } catch (e) {
      console.log(`\n- CPU profiles could not be read: ${(e as Error).message}`);
    }
  }
  console.log(`\nWall time ${minutes.toFixed(1)} min (setup included).`);
  if (bench.failures.length) process.exitCode = 1;
}

main().catch(async (e) => {
  if (procs.stopping) return; // the signal handler is already stopping everything
  console.error(`bench: ${(e as Error).stack ?? e}`);
  await procs.stopAll();
  process.exit(1);
});
