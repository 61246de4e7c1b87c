import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { runAdminCli, startServerProcess } from "@/server/test/server-process";
import { createPostgresDatabase } from "@/server/test/test-db";
import { startRedis } from "@/server/test/redis-server";

// Scaled out: two replicas on one PostgreSQL, one Redis and shared storage (S3 when the harness
// provides it, else one shared directory). An upload begun on A is finished on B after A dies.
const pgBase = process.env.TEST_POSTGRES_URL;
const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let redis: Awaited<ReturnType<typeof startRedis>>;
let dataDir: string;
let env: Record<string, string>;
let dropDb: () => Promise<void>;
const replicas: Awaited<ReturnType<typeof startServerProcess>>[] = [];
let token = "";

beforeAll(async () => {
  if (!pgBase) return;
  const scratch = await createPostgresDatabase(pgBase, "yp_replicas");
  dropDb = scratch.drop;
  const url = new URL(scratch.url);
  redis = await startRedis();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "yp-replicas-"));
  const s3: Record<string, string> = process.env.TEST_S3_ENDPOINT
    ? {
        STORAGE: "s3",
        S3_ENDPOINT: process.env.TEST_S3_ENDPOINT,
        S3_BUCKET: process.env.TEST_S3_BUCKET ?? "yunpan-test",
        S3_ACCESS_KEY_ID: process.env.TEST_S3_ACCESS_KEY_ID ?? "",
        S3_SECRET_ACCESS_KEY: process.env.TEST_S3_SECRET_ACCESS_KEY ?? "",
        S3_REGION: process.env.TEST_S3_REGION ?? "us-east-1",
      }
    : {};
  env = { DATABASE_URL: url.toString(), REDIS_URL: redis.url, DATA_DIR: dataDir, ...s3 };
  // Both start at once: the migration runner's advisory lock lets exactly one apply.
  replicas.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
  await runAdminCli(env, ["create-user", "--email", "scale@example.com", "--password", "scaled out password"]);
  token = ((await runAdminCli(env, ["create-token", "--email", "scale@example.com", "--name", "t"])) as { token: string }).token;
}, 240_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.kill()));
  await redis?.stop();
  await dropDb?.();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const headers = () => ({ Authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0" });

test.skipIf(!pgBase)("an upload begun on replica A is finished on replica B after A is killed", async () => {
  const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
  const data = randomBytes(24 * MiB);
  const created = await fetch(`${a.url}/api/upload`, {
    method: "POST",
    headers: { ...headers(), "Upload-Length": String(data.length), "Upload-Metadata": `filename ${Buffer.from("scaled.bin").toString("base64")}` },
  });
  expect(created.status).toBe(201);
  const uploadPath = new URL(created.headers.get("location")!, a.url).pathname;

  // A receives ~10 MiB, then dies mid-PATCH.
  await new Promise<void>((resolve) => {
    const req = http.request(`${a.url}${uploadPath}`, {
      method: "PATCH",
      headers: { ...headers(), "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", "Content-Length": String(data.length) },
    });
    req.on("error", () => resolve());
    req.on("response", () => resolve());
    let sent = 0;
    const pump = () => {
      while (sent < 10 * MiB) {
        const chunk = data.subarray(sent, sent + 256 * 1024);
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      setTimeout(() => void a.kill(), 300);
    };
    pump();
  });

  const head = await fetch(`${b.url}${uploadPath}`, { method: "HEAD", headers: headers() });
  expect(head.status).toBe(200);
  const offset = Number(head.headers.get("upload-offset"));
  expect(offset).toBeLessThanOrEqual(10 * MiB);
  const rest = await fetch(`${b.url}${uploadPath}`, {
    method: "PATCH",
    headers: { ...headers(), "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
    body: data.subarray(offset),
  });
  expect(rest.status).toBe(204);
  const nodeId = rest.headers.get("upload-node-id")!;
  const got = await fetch(`${b.url}/api/files/${nodeId}/content`, { headers: { Authorization: `Bearer ${token}` } });
  expect(sha(Buffer.from(await got.arrayBuffer()))).toBe(sha(data));
});
