import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { NGINX, startNginxFront, type NginxFront } from "@/server/test/nginx-front";
import { useTestDatabase } from "@/server/test/test-db";

// Downloads behind a real nginx in X-Accel-Redirect mode: Yunpan authorises and names the file,
// nginx sends the bytes (sendfile, ranges); the internal location is unreachable from outside.
const t = useTestDatabase({ env: { ACCEL_REDIRECT_PREFIX: "/_blobs/" } });
let app: HttpHarness;
let nginx: NginxFront | null = null;
let front = "";
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  app = await startHttpHarness();
  if (!NGINX) return;
  nginx = await startNginxFront(path.join(t.dataDir, "nginx"), (port) => `
  sendfile on;
  types { application/octet-stream bin; }
  server {
    listen 127.0.0.1:${port};
    # nginx keeps only a few upstream headers with X-Accel-Redirect: restate the safety ones.
    location /_blobs/ { internal; alias ${path.join(t.dataDir, "blobs")}/; add_header X-Content-Type-Options nosniff always; add_header Content-Security-Policy sandbox always; }
    location / { proxy_pass ${app.baseUrl}; proxy_request_buffering off; }
  }`);
  front = nginx.url;
});

afterAll(async () => {
  nginx?.stop();
  await app?.close();
});

test("the app answers with X-Accel-Redirect and no body, only after authorisation", async () => {
  const { actor } = await createTestUser();
  const other = await createTestToken((await createTestUser()).actor);
  const { headers } = await createTestToken(actor);
  const node = await createTestFile({ actor, name: "年报.bin", content: randomBytes(4096) });
  const res = await fetch(`${app.baseUrl}/api/files/${node.id}/content`, { headers });
  expect(res.status).toBe(200);
  const blob = await t.prisma.blob.findFirstOrThrow({ where: { versions: { some: { nodeId: node.id } } } });
  expect(res.headers.get("x-accel-redirect")).toBe(`/_blobs/${blob.sha256.slice(0, 2)}/${blob.sha256.slice(2, 4)}/${blob.sha256}`);
  expect(res.headers.get("content-disposition")).toContain("filename*=UTF-8''%E5%B9%B4%E6%8A%A5.bin");
  expect((await res.arrayBuffer()).byteLength).toBe(0);
  const foreign = await fetch(`${app.baseUrl}/api/files/${node.id}/content`, { headers: other.headers });
  expect(foreign.status).toBe(404);
  expect(foreign.headers.get("x-accel-redirect")).toBeNull();
});

test.skipIf(!NGINX)("through nginx: exact bytes, ranges, headers; the internal location is closed", async () => {
  const { actor } = await createTestUser();
  const { headers } = await createTestToken(actor);
  const content = randomBytes(3 * 1024 * 1024 + 17);
  const node = await createTestFile({ actor, name: "video 视频.bin", content });

  const whole = await fetch(`${front}/api/files/${node.id}/content`, { headers });
  expect(whole.status).toBe(200);
  expect(sha(new Uint8Array(await whole.arrayBuffer()))).toBe(sha(content));
  expect(whole.headers.get("content-disposition")).toMatch(/^attachment; /);
  expect(whole.headers.get("x-content-type-options")).toBe("nosniff");
  expect(whole.headers.get("content-security-policy")).toBe("sandbox");
  expect(whole.headers.get("x-accel-redirect")).toBeNull();

  const part = await fetch(`${front}/api/files/${node.id}/content`, { headers: { ...headers, Range: "bytes=1000-1999" } });
  expect(part.status).toBe(206);
  expect(Buffer.from(await part.arrayBuffer())).toEqual(content.subarray(1000, 2000));

  const blob = await t.prisma.blob.findFirstOrThrow({ where: { sha256: sha(content) } });
  const direct = await fetch(`${front}/_blobs/${blob.sha256.slice(0, 2)}/${blob.sha256.slice(2, 4)}/${blob.sha256}`);
  expect(direct.status).toBe(404);
  expect((await fetch(`${front}/api/files/${node.id}/content`)).status).toBe(401);
});

test.skipIf(!NGINX)("a signed blob URL through nginx: the app checks the signature and nginx sends the bytes, ranges and caching headers", async () => {
  const { actor } = await createTestUser();
  const { headers } = await createTestToken(actor);
  const content = randomBytes(2 * 1024 * 1024 + 3);
  const node = await createTestFile({ actor, name: "clip.bin", content });
  const issued = await fetch(`${front}/api/files/${node.id}/content?redirect=1`, { headers, redirect: "manual" });
  expect(issued.status).toBe(302);
  const url = front + issued.headers.get("location")!;
  const direct = await fetch(app.baseUrl + issued.headers.get("location")!);
  expect(direct.headers.get("x-accel-redirect")).toMatch(/^\/_blobs\//);
  expect((await direct.arrayBuffer()).byteLength).toBe(0);

  const whole = await fetch(url);
  expect(whole.status).toBe(200);
  expect(sha(new Uint8Array(await whole.arrayBuffer()))).toBe(sha(content));
  expect(whole.headers.get("cache-control")).toMatch(/^public, max-age=\d+, immutable$/);
  expect(whole.headers.get("content-security-policy")).toBe("sandbox");
  expect(whole.headers.get("x-content-type-options")).toBe("nosniff");
  const part = await fetch(url, { headers: { Range: "bytes=100-199" } });
  expect(part.status).toBe(206);
  expect(Buffer.from(await part.arrayBuffer())).toEqual(content.subarray(100, 200));
  expect((await fetch(url.replace("clip.bin", "clap.bin"))).status).toBe(403);
});
