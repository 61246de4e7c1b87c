// A throwaway Ceph RGW for the S3 scenario, through the project's scripts/ceph-rgw.sh, with
// bluestore (bytes on disk in a sparse file; memstore would hold every uploaded byte in RAM).
// Its daemons fork away from us, so they are stopped by the PIDs in DIR/run (ceph-rgw.sh stop).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { S3Client, CreateBucketCommand } from "@aws-sdk/client-s3";
import { root } from "./yunpan";
import type { Processes } from "./processes";

const SCRIPT = path.join(root, "scripts/ceph-rgw.sh");

export interface Rgw {
  dir: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  client: S3Client;
  /** ceph-mon, ceph-osd and radosgw. */
  pids(): number[];
}

export function cephMissing(): string[] {
  const paths = (process.env.PATH ?? "").split(":").concat(["/usr/bin", "/usr/sbin"]);
  return ["ceph", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool"].filter((b) => !paths.some((d) => d && existsSync(path.join(d, b))));
}

export async function startRgw(procs: Processes, dir: string, storeGiB: number): Promise<Rgw> {
  const stop = () => {
    if (existsSync(path.join(dir, "run"))) execFileSync("bash", [SCRIPT, "stop", dir, "--purge"], { stdio: ["ignore", "ignore", "inherit"] });
  };
  // Registered before the start: a failed or interrupted start still leaves PID files to kill.
  procs.onCleanup("Ceph RGW", async () => stop(), stop);
  const env: NodeJS.ProcessEnv = { ...process.env, OBJECTSTORE: "bluestore", STORE_GB: String(storeGiB) };
  delete env.CEPH_CONF;
  // A registered child, so an interrupted bench stops the start script before the daemons' PIDs.
  const starter = procs.start("ceph-rgw.sh start", "bash", [SCRIPT, "start", dir], { env });
  let out = "";
  starter.child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => starter.child.once("exit", (c) => resolve(c)));
  if (code !== 0) throw new Error(`ceph-rgw.sh start exited with ${code}: ${starter.output()}\n${logTail(dir)}`);
  const vars = Object.fromEntries(
    out
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const rgw: Rgw = {
    dir,
    endpoint: vars.S3_ENDPOINT!,
    accessKeyId: vars.S3_ACCESS_KEY!,
    secretAccessKey: vars.S3_SECRET_KEY!,
    region: vars.S3_REGION ?? "us-east-1",
    bucket: "yunpan-bench",
    client: new S3Client({
      endpoint: vars.S3_ENDPOINT,
      region: vars.S3_REGION ?? "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: vars.S3_ACCESS_KEY!, secretAccessKey: vars.S3_SECRET_KEY! },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    pids: () => {
      const run = path.join(dir, "run");
      if (!existsSync(run)) return [];
      return readdirSync(run)
        .filter((f) => f.endsWith(".pid"))
        .map((f) => Number(readFileSync(path.join(run, f), "utf8").trim()))
        .filter((n) => n > 0);
    },
  };
  // The first signed request can race RGW's last init steps.
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await rgw.client.send(new CreateBucketCommand({ Bucket: rgw.bucket }));
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return rgw;
}

function logTail(dir: string): string {
  const logs = path.join(dir, "log");
  if (!existsSync(logs)) return "";
  return readdirSync(logs)
    .map((f) => `--- ${f}\n` + readFileSync(path.join(logs, f), "utf8").split("\n").slice(-10).join("\n"))
    .join("\n");
}
