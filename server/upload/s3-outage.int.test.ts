// The S3 gateway goes away in the middle of an upload: the PATCH fails with a clean error (the
// server stays up, nothing is committed), and once the gateway is back the upload resumes from the
// offset the server reports and completes with the right sha256.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { setBlobStoreForTests } from "@/server/storage/blob-store-factory";
import { S3BlobStore } from "@/server/storage/s3-blob-store";
import { s3EnvFor, testS3Settings } from "@/server/test/s3-env";
import { createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

const MiB = 1024 * 1024;
// It stops the shared gateway, so it runs alone, on a cluster of its own (TEST_S3_OUTAGE=1 in the
// test command's separate step), never beside other files that use S3.
const cephConf = process.env.TEST_S3_OUTAGE === "1" ? process.env.TEST_S3_CEPH_CONF : undefined;
const settings = cephConf ? testS3Settings() : null;
const t = settings ? useTestDatabase({ env: s3EnvFor(settings) }) : null;

let http: HttpHarness;
let auth: Record<string, string>;
const TUS = { "Tus-Resumable": "1.0.0" };
const rgwPidFile = () => path.join(path.dirname(cephConf!), "run", "client.rgw.s3.pid");

function stopGateway() {
  process.kill(Number(readFileSync(rgwPidFile(), "utf8").trim()), "SIGKILL");
}

async function startGateway() {
  // radosgw forks at once and binds its port only once ready: poll the endpoint.
  const r = spawnSync("radosgw", ["-n", "client.rgw.s3"], { env: { ...process.env, CEPH_CONF: cephConf! } });
  expect(r.status).toBe(0);
  for (let i = 0; i < 300; i++) {
    if (await fetch(settings!.endpoint).then((res) => res.ok, () => false)) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("radosgw did not come back");
}

beforeAll(async () => {
  if (!settings) return;
  setBlobStoreForTests(new S3BlobStore(settings));
  http = await startHttpHarness();
  ({ headers: auth } = await createTestToken((await createTestUser()).actor));
});
afterAll(async () => {
  await http?.close();
});

test.skipIf(!settings)("the S3 gateway stopping mid-upload gives a clean error; the upload resumes once it is back", async () => {
  const bytes = randomBytes(24 * MiB);
  const created = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { ...TUS, ...auth, "Upload-Length": String(bytes.length), "Upload-Metadata": `filename ${Buffer.from("outage.bin").toString("base64")}` },
  });
  expect(created.status).toBe(201);
  const url = new URL(created.headers.get("location")!, http.baseUrl).toString();
  const patch = (offset: number, end: number) =>
    fetch(url, {
      method: "PATCH",
      headers: { ...TUS, ...auth, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
      body: new Uint8Array(bytes.subarray(offset, end)) as unknown as BodyInit,
    });

  expect((await patch(0, 8 * MiB)).status).toBe(204);
  stopGateway();
  try {
    const failed = await patch(8 * MiB, 16 * MiB);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    // The server is still up and answers for itself.
    expect((await fetch(`${http.baseUrl}/api/health`)).status).toBe(503);
    expect(await t!.prisma.node.count({ where: { name: "outage.bin" } })).toBe(0);
  } finally {
    await startGateway();
  }

  const head = await fetch(url, { method: "HEAD", headers: { ...TUS, ...auth } });
  expect(head.status).toBe(200);
  const offset = Number(head.headers.get("upload-offset"));
  expect(offset % MiB).toBe(0);
  expect(offset).toBeGreaterThanOrEqual(8 * MiB);
  const done = await patch(offset, bytes.length);
  expect(done.status).toBe(204);
  const nodeId = done.headers.get("upload-node-id")!;
  const got = await fetch(`${http.baseUrl}/api/files/${nodeId}/content`, { headers: auth });
  expect(createHash("sha256").update(Buffer.from(await got.arrayBuffer())).digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
});
