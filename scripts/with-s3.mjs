#!/usr/bin/env node
// Usage: node scripts/with-s3.mjs <command> [args…]
//
// Runs <command> against a throwaway S3 endpoint: a single-node Ceph RGW on 127.0.0.1 started by
// scripts/ceph-rgw.sh in a temp dir (memstore: the bytes live in OSD RAM, STORE_GB=3 unless set),
// with the bucket yunpan-test created. The child gets TEST_S3_ENDPOINT, TEST_S3_ACCESS_KEY_ID,
// TEST_S3_SECRET_ACCESS_KEY, TEST_S3_BUCKET and TEST_S3_REGION, and its own TMPDIR inside the temp
// dir, because tus's S3 store stages parts there and a killed process leaves them behind.
// Afterwards — also on failure, SIGINT or SIGTERM — RGW is stopped by the PIDs in its run dir,
// the temp dir is removed, and this script exits with the child's code.
//
// Composes with scripts/with-postgres.mjs in either order.
import { harnessLifecycle } from "./harness-lifecycle.mjs";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The SDK warns on every process under Node 20 that its 2027 releases need Node 22: noise in test logs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const SCRIPT = fileURLToPath(new URL("./ceph-rgw.sh", import.meta.url));
const BUCKET = "yunpan-test";
const BINARIES = ["ceph", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool"];

function fail(message) {
  console.error(`with-s3: ${message}`);
  process.exit(1);
}

function onPath(binary) {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, binary)));
}

const [command, ...commandArgs] = process.argv.slice(2);
if (!command) fail("usage: node scripts/with-s3.mjs <command> [args…]");

const missing = BINARIES.filter((b) => !onPath(b));
if (missing.length) {
  fail(
    `Ceph is not installed (missing: ${missing.join(", ")}).\n` +
      "Install Debian's packages (about 270 MB on disk), then run this again:\n" +
      "  bash scripts/ceph-rgw.sh install\n" +
      "or: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw",
  );
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "yp-s3-"));
const cephDir = path.join(tmp, "ceph");
const childTmp = path.join(tmp, "tmp");
mkdirSync(childTmp);
// Like /tmp: with-postgres.mjs, run inside, makes its cluster dir here as the postgres user.
chmodSync(tmp, 0o755);
chmodSync(childTmp, 0o1777);

let cleanedUp = false;
/** Stops RGW (by the PIDs in its run dir) and removes the temp dir. Synchronous, so it also runs on exit. */
function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (existsSync(path.join(cephDir, "run"))) {
    try {
      execFileSync("bash", [SCRIPT, "stop", cephDir, "--purge"], { stdio: ["ignore", "ignore", "inherit"] });
    } catch (e) {
      console.error(`with-s3: stopping RGW failed: ${e.message}`);
    }
  }
  try {
    rmSync(tmp, { recursive: true, force: true });
  } catch (e) {
    console.error(`with-s3: could not remove ${tmp}: ${e.message}`);
  }
}
let starter = null;
const lifecycle = harnessLifecycle("with-s3", cleanup, () => starter?.kill("SIGKILL"));

/** Runs `ceph-rgw.sh start` and returns the S3_* lines it prints. */
function startRgw() {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, STORE_GB: process.env.STORE_GB ?? "3", OBJECTSTORE: process.env.OBJECTSTORE ?? "memstore" };
    delete env.CEPH_CONF; // a stale one would point the tools at a purged cluster
    starter = spawn("bash", [SCRIPT, "start", cephDir], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    starter.stdout.on("data", (d) => (out += d));
    starter.stderr.on("data", (d) => (err += d));
    starter.once("error", reject);
    starter.once("exit", (code) => {
      starter = null;
      if (code !== 0) return reject(new Error(`ceph-rgw.sh start exited with ${code}\n${err}${logTail()}`));
      resolve(Object.fromEntries(out.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])));
    });
  });
}

function logTail() {
  const dir = path.join(cephDir, "log");
  if (!existsSync(dir)) return "";
  return readdirSync(dir)
    .map((f) => `--- ${f} (last lines)\n` + readFileSync(path.join(dir, f), "utf8").split("\n").slice(-15).join("\n"))
    .join("\n");
}

/** Creates the bucket, retrying for a while: the first signed request can race RGW's last init steps. */
async function createBucket(s3) {
  const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
  const client = new S3Client({
    endpoint: s3.S3_ENDPOINT,
    region: s3.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.S3_ACCESS_KEY, secretAccessKey: s3.S3_SECRET_KEY },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const deadline = Date.now() + 10_000;
  try {
    for (;;) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    client.destroy();
  }
}

try {
  const started = Date.now();
  const s3 = await startRgw();
  if (!s3.S3_ENDPOINT) throw new Error("ceph-rgw.sh printed no S3_ENDPOINT");
  await createBucket(s3);
  console.error(`with-s3: Ceph RGW on ${s3.S3_ENDPOINT}, bucket ${BUCKET} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  await lifecycle.runAndExit(command, commandArgs, {
      ...process.env,
      TMPDIR: childTmp,
      TEST_S3_ENDPOINT: s3.S3_ENDPOINT,
      TEST_S3_ACCESS_KEY_ID: s3.S3_ACCESS_KEY,
      TEST_S3_SECRET_ACCESS_KEY: s3.S3_SECRET_KEY,
      TEST_S3_BUCKET: BUCKET,
      TEST_S3_REGION: s3.S3_REGION ?? "us-east-1",
      // For outage tests: the cluster's config (its run/ dir holds radosgw's pid file).
      TEST_S3_CEPH_CONF: s3.CEPH_CONF ?? "",
    });
} catch (e) {
  console.error(`with-s3: ${e.message}`);
  cleanup();
  process.exit(1);
}
