// Downloads through the production server must not fall into the garbage-collection crawl: with
// a fresh 1 MiB buffer per chunk some processes did back-to-back mark-compact collections for
// their whole life and served at 0.26x nginx (shared notes, baselines.md). The server counts its
// collections with perf_hooks (yunpan_gc_total); this downloads 1 GiB and bounds the major ones.
// Runs in the test command after the production build (vitest project "production").
import { execFile } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tusUpload } from "@/scripts/bench/clients";
import { readMetric, startProductionServer, type ProductionServer } from "@/server/test/production-server";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const FILE_BYTES = Number(process.env.PROD_GC_TEST_MIB ?? 512) * MiB;
const DOWNLOADS = Math.max(1, Math.round(GiB / FILE_BYTES));
// Measured on the 2-core dev VM (issue 22): with a fresh 1 MiB buffer per chunk, a process that
// had gone idle once did 24-30 mark-compacts per GiB (at ~2.9 CPU s/GiB); with reused buffers 0.
const MAX_MAJOR_GCS_PER_GIB = 4;
// The crawl showed in processes that had idled a while (V8's memory reducer shrinks an idle heap):
// downloading within seconds of the upload never showed it, after 40 s idle every process did.
const IDLE_MS = 40_000;

let server: ProductionServer;
let dir: string;
let nodeId: string;
let sha256: string;

/** Random bytes (8 MiB repeated, so making the file is cheap), hashed as they are written. */
function makeFile(file: string, bytes: number): string {
  const block = randomFillSync(Buffer.allocUnsafe(8 * MiB));
  const hash = createHash("sha256");
  const fd = openSync(file, "w");
  try {
    for (let off = 0; off < bytes; off += block.length) {
      const n = Math.min(block.length, bytes - off);
      hash.update(block.subarray(0, n));
      writeSync(fd, block, 0, n);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** GET with curl into /dev/null; the byte count, after checking the status. */
function curlToNull(url: string, headers: Record<string, string>): Promise<number> {
  const args = ["-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}"];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  return new Promise((resolve, reject) => {
    execFile("curl", [...args, url], (err, stdout) => {
      if (err) return reject(err);
      const [status, size] = stdout.trim().split(" ");
      if (status !== "200" || Number(size) !== FILE_BYTES) return reject(new Error(`curl: ${status}, ${size} of ${FILE_BYTES} bytes`));
      resolve(Number(size));
    });
  });
}

function download(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const hash = createHash("sha256");
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          hash.update(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest("hex") }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

describe("downloads through the production server (dist/server.mjs)", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "yunpan-gc-test-"));
    const file = path.join(dir, "big.bin");
    sha256 = makeFile(file, FILE_BYTES);
    server = await startProductionServer();
    const up = await tusUpload({ endpoint: `${server.url}/api/upload`, headers: server.auth, file, size: FILE_BYTES, chunk: FILE_BYTES, filename: "big.bin" });
    if (!up.nodeId) throw new Error("the upload's last PATCH carried no Upload-Node-Id");
    nodeId = up.nodeId;
    // The test's copy is not needed any more: the server keeps its own.
    rmSync(file, { force: true });
    await new Promise((r) => setTimeout(r, IDLE_MS));
  }, 400_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(`1 GiB of whole-file downloads costs at most ${MAX_MAJOR_GCS_PER_GIB} mark-compact collections per GiB`, async () => {
    const url = `${server.url}/api/files/${nodeId}/content`;
    const before = await readMetric(server, "yunpan_gc_total", 'kind="major"');
    let bytes = 0;
    // curl, like a browser, takes the bytes as fast as the server sends them (a slow client hides the crawl).
    for (let i = 0; i < DOWNLOADS; i++) bytes += await curlToNull(url, server.auth);
    const majors = (await readMetric(server, "yunpan_gc_total", 'kind="major"')) - before;
    // Then once more, untimed and uncounted, to check every byte.
    const got = await download(url, server.auth);
    expect(got).toEqual({ status: 200, bytes: FILE_BYTES, sha256 });
    const perGiB = majors / (bytes / GiB);
    console.log(`download GC check: ${majors} mark-compact collections for ${(bytes / GiB).toFixed(2)} GiB (${perGiB.toFixed(1)} per GiB)`);
    expect(perGiB).toBeLessThanOrEqual(MAX_MAJOR_GCS_PER_GIB);
  }, 600_000);
});
