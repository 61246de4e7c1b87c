import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import sharp from "sharp";
import { drainQueue } from "@/server/jobs/queue";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { NGINX, startNginxFront, type NginxFront } from "@/server/test/nginx-front";
import { useTestDatabase } from "@/server/test/test-db";

// Signed blob URLs behind a real nginx with the proxy_cache location of deploy/nginx/yunpan.conf
// (taken from that file, only the upstream and the cache directory replaced): the first GET
// fills the cache, repeats and ranges are cache HITs, and the app sees one request.
const t = useTestDatabase();
let app: HttpHarness;
let nginx: NginxFront | null = null;
let front = "";
const appRequests: string[] = [];
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The `proxy_cache_path` line and the `/api/blob/` and `/api/thumb/` locations of the deploy config. */
function deployBlobCache(): { cachePath: string; location: string } {
  const conf = readFileSync(path.resolve(import.meta.dirname, "../../deploy/nginx/yunpan.conf"), "utf8").replace(/#.*$/gm, "");
  const cachePath = /^proxy_cache_path [^;]+;/m.exec(conf)?.[0];
  const blobs = /location \^~ \/api\/blob\/ \{[^}]*\}/.exec(conf)?.[0];
  const thumbs = /location \^~ \/api\/thumb\/ \{[^}]*\}/.exec(conf)?.[0];
  if (!cachePath || !blobs || !thumbs) throw new Error("deploy/nginx/yunpan.conf has no proxy_cache_path, or no location ^~ /api/blob/ or ^~ /api/thumb/");
  return { cachePath, location: `${blobs}\n    ${thumbs}` };
}

beforeAll(async () => {
  app = await startHttpHarness({ onRequest: (req) => appRequests.push(`${req.method} ${req.url}`) });
  if (!NGINX) return;
  const dir = path.join(t.dataDir, "nginx");
  const { cachePath, location } = deployBlobCache();
  nginx = await startNginxFront(dir, (port) => `
  ${cachePath.replace(/proxy_cache_path \S+/, `proxy_cache_path ${path.join(dir, "cache")}`)}
  upstream yunpan { server ${new URL(app.baseUrl).host}; keepalive 4; }
  server {
    listen 127.0.0.1:${port};
    ${location}
    location / { proxy_pass http://yunpan; }
  }`);
  front = nginx.url;
});

afterAll(async () => {
  nginx?.stop();
  await app?.close();
});

test.skipIf(!NGINX)("the second GET of a signed URL is a cache HIT: the app saw exactly one request; ranges and 304 come from the cache", async () => {
  const { actor } = await createTestUser();
  const { headers } = await createTestToken(actor);
  const content = randomBytes(3 * 1024 * 1024 + 5);
  const node = await createTestFile({ actor, name: "movie 电影.bin", content });
  const issued = await fetch(`${front}/api/files/${node.id}/content?redirect=1`, { headers, redirect: "manual" });
  expect(issued.status).toBe(302);
  const url = front + issued.headers.get("location")!;
  const toApp = () => appRequests.filter((r) => r.startsWith("GET /api/blob/")).length;
  const before = toApp();

  const first = await fetch(url);
  expect(first.status).toBe(200);
  expect(first.headers.get("x-cache-status")).toBe("MISS");
  expect(sha(new Uint8Array(await first.arrayBuffer()))).toBe(sha(content));
  expect(first.headers.get("cache-control")).toMatch(/^public, max-age=\d+, immutable$/);
  expect(first.headers.get("content-security-policy")).toBe("sandbox");
  expect(first.headers.get("x-content-type-options")).toBe("nosniff");
  expect(first.headers.get("content-disposition")).toMatch(/^attachment; /);

  const second = await fetch(url);
  expect(second.status).toBe(200);
  expect(second.headers.get("x-cache-status")).toBe("HIT");
  expect(sha(new Uint8Array(await second.arrayBuffer()))).toBe(sha(content));

  const part = await fetch(url, { headers: { Range: "bytes=1048570-1048589" } });
  expect(part.status).toBe(206);
  expect(part.headers.get("x-cache-status")).toBe("HIT");
  expect(Buffer.from(await part.arrayBuffer())).toEqual(content.subarray(1048570, 1048590));

  const revalidate = await fetch(url, { headers: { "If-None-Match": `"${sha(content)}"` } });
  expect(revalidate.status).toBe(304);

  expect(toApp() - before).toBe(1);
});

test.skipIf(!NGINX)("an empty file through the sliced cache is an empty 200", async () => {
  const { actor } = await createTestUser();
  const { headers } = await createTestToken(actor);
  const node = await createTestFile({ actor, name: "empty.txt", content: Buffer.alloc(0) });
  const issued = await fetch(`${front}/api/files/${node.id}/content?redirect=1`, { headers, redirect: "manual" });
  for (let i = 0; i < 2; i++) {
    const res = await fetch(front + issued.headers.get("location")!);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  }
});

test.skipIf(!NGINX)("a refused signature is not cached: each one reaches the app and is 403", async () => {
  const { actor } = await createTestUser();
  const { headers } = await createTestToken(actor);
  const node = await createTestFile({ actor, name: "x.bin", content: randomBytes(100) });
  const issued = await fetch(`${front}/api/files/${node.id}/content?redirect=1`, { headers, redirect: "manual" });
  const bad = front + issued.headers.get("location")!.replace("x.bin", "y.bin");
  const before = appRequests.length;
  for (let i = 0; i < 2; i++) {
    const res = await fetch(bad);
    expect(res.status).toBe(403);
    expect(res.headers.get("x-cache-status")).not.toBe("HIT");
  }
  expect(appRequests.length - before).toBe(2);
});

test.skipIf(!NGINX)("a signed thumbnail URL from a listing is cached the same way: the second GET is a HIT", async () => {
  const { actor } = await createTestUser();
  const content = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#aa3300" } }).png().toBuffer();
  const node = await createTestFile({ actor, name: "pic.png", content, mimeType: "image/png" });
  await drainQueue();
  const thumbnailUrl = (await callerFor(actor).drive.list({})).items.find((i) => i.id === node.id)?.thumbnailUrl;
  expect(thumbnailUrl).toMatch(/^\/api\/thumb\//);
  const toApp = () => appRequests.filter((r) => r.startsWith("GET /api/thumb/")).length;
  const before = toApp();
  const first = await fetch(front + thumbnailUrl);
  expect(first.status).toBe(200);
  expect(first.headers.get("x-cache-status")).toBe("MISS");
  const body = new Uint8Array(await first.arrayBuffer());
  const second = await fetch(front + thumbnailUrl);
  expect(second.headers.get("x-cache-status")).toBe("HIT");
  expect(sha(new Uint8Array(await second.arrayBuffer()))).toBe(sha(body));
  expect(toApp() - before).toBe(1);
});
