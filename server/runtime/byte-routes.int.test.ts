import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/server/auth/actor";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";

const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

const MiB = 1024 * 1024;
const TUS = { "Tus-Resumable": "1.0.0" };
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

interface Uploader {
  actor: Actor;
  auth: Record<string, string>;
}

async function newUploader(): Promise<Uploader> {
  const { actor } = await createTestUser();
  const { headers } = await createTestToken(actor);
  return { actor, auth: headers };
}

function metadataHeader(meta: Record<string, string | null | undefined>) {
  return Object.entries(meta)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(",");
}

/** tus creation (POST); returns the response and the absolute upload URL. */
async function createUpload(auth: Record<string, string>, size: number, meta: Record<string, string | null | undefined>) {
  const res = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { ...TUS, ...auth, "Upload-Length": String(size), "Upload-Metadata": metadataHeader(meta) },
  });
  const location = res.headers.get("location");
  return { res, url: location ? new URL(location, http.baseUrl).toString() : null };
}

function patch(url: string, auth: Record<string, string>, offset: number, body: Uint8Array, extra: Record<string, string> = {}) {
  return fetch(url, {
    method: "PATCH",
    headers: { ...TUS, ...auth, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream", ...extra },
    // Buffers from randomBytes are typed over ArrayBufferLike; fetch sends any Uint8Array.
    body: body as Uint8Array<ArrayBuffer>,
  });
}

function head(url: string, auth: Record<string, string>) {
  return fetch(url, { method: "HEAD", headers: { ...TUS, ...auth } });
}

/** A whole tus upload in `chunks` PATCHes; every PATCH must answer 204. Returns the new node's id. */
async function upload(u: Uploader, name: string, bytes: Uint8Array, opts: { parentId?: string; chunks?: number } = {}) {
  const { res, url } = await createUpload(u.auth, bytes.length, { filename: name, parentId: opts.parentId });
  expect(res.status).toBe(201);
  const chunks = opts.chunks ?? 1;
  const step = Math.ceil(bytes.length / chunks);
  let nodeId: string | null = null;
  for (let offset = 0; offset < bytes.length; offset += step) {
    const end = Math.min(offset + step, bytes.length);
    const r = await patch(url!, u.auth, offset, bytes.subarray(offset, end));
    expect(r.status).toBe(204);
    expect(r.headers.get("upload-offset")).toBe(String(end));
    nodeId = r.headers.get("upload-node-id");
  }
  expect(nodeId).toMatch(/^[0-9a-f-]{36}$/);
  return { nodeId: nodeId!, uploadUrl: url! };
}

const content = (id: string, auth: Record<string, string>, headers: Record<string, string> = {}, method = "GET") =>
  fetch(`${http.baseUrl}/api/files/${id}/content`, { method, headers: { ...auth, ...headers } });

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  }
  return out;
}

describe("tus protocol", () => {
  it("advertises its version and extensions on OPTIONS", async () => {
    const res = await fetch(`${http.baseUrl}/api/upload`, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("tus-version")).toBe("1.0.0");
    const extensions = res.headers.get("tus-extension")!.split(",");
    expect(extensions).toEqual(expect.arrayContaining(["creation", "creation-with-upload", "termination", "expiration"]));
  });

  it("refuses to create an upload without credentials, or with a bad token", async () => {
    const attempts: Record<string, string>[] = [{}, { Authorization: "Bearer ypt_not-a-token" }];
    for (const auth of attempts) {
      const { res } = await createUpload(auth, 10, { filename: "a.txt" });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: "UNAUTHORIZED", message: "Please sign in to continue." });
    }
    expect(await t.prisma.uploadSession.count({ where: { filename: "a.txt" } })).toBe(0);
  });

  it("requires Tus-Resumable (412) and the current offset (409)", async () => {
    const u = await newUploader();
    const { url } = await createUpload(u.auth, 100, { filename: "offsets.bin" });
    const noVersion = await fetch(url!, {
      method: "PATCH",
      headers: { ...u.auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: new Uint8Array(10),
    });
    expect(noVersion.status).toBe(412);

    expect((await patch(url!, u.auth, 0, new Uint8Array(10))).status).toBe(204);
    const wrong = await patch(url!, u.auth, 5, new Uint8Array(10));
    expect(wrong.status).toBe(409);
    const h = await head(url!, u.auth);
    expect(h.status).toBe(200);
    expect(h.headers.get("upload-offset")).toBe("10");
    expect(h.headers.get("upload-length")).toBe("100");
  });
});

describe("an uploaded file", () => {
  const name = "报告 2026.txt";
  const bytes = randomBytes(5 * MiB);
  const digest = sha256(bytes);
  let alice: Uploader;
  let folderId: string;
  let nodeId: string;

  beforeAll(async () => {
    alice = await newUploader();
    folderId = (await callerFor(alice.actor).drive.createFolder({ name: "reports" })).id;
    ({ nodeId } = await upload(alice, name, bytes, { parentId: folderId, chunks: 3 }));
  });

  it("appears in the folder with its size", async () => {
    const listed = await callerFor(alice.actor).drive.list({ folderId });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ id: nodeId, kind: "FILE", name, size: 5 * MiB, mimeType: "text/plain" });
    const user = await t.prisma.user.findUniqueOrThrow({ where: { id: alice.actor.userId } });
    expect(user.usedBytes).toBe(BigInt(5 * MiB));
    const session = await t.prisma.uploadSession.findFirstOrThrow({ where: { nodeId } });
    expect(session).toMatchObject({ status: "COMPLETED", reservedBytes: 0n, offset: BigInt(5 * MiB) });
  });

  it("downloads byte for byte with safe headers", async () => {
    const res = await content(nodeId, alice.auth);
    expect(res.status).toBe(200);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.length).toBe(bytes.length);
    expect(sha256(body)).toBe(digest);
    expect(res.headers.get("etag")).toBe(`"${digest}"`);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-length")).toBe(String(5 * MiB));
    const disposition = res.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^attachment;/);
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
    expect(encoded).toBeDefined();
    expect(decodeURIComponent(encoded!)).toBe(name);
    expect(disposition).toMatch(/filename="[\x20-\x7e]+"/);
  });

  it("serves byte ranges", async () => {
    const first = await content(nodeId, alice.auth, { Range: "bytes=0-99" });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-99/${bytes.length}`);
    expect(Buffer.from(await first.arrayBuffer())).toEqual(bytes.subarray(0, 100));

    const suffix = await content(nodeId, alice.auth, { Range: "bytes=-10" });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get("content-range")).toBe(`bytes ${bytes.length - 10}-${bytes.length - 1}/${bytes.length}`);
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));

    const open = await content(nodeId, alice.auth, { Range: "bytes=100-" });
    expect(open.status).toBe(206);
    expect(open.headers.get("content-range")).toBe(`bytes 100-${bytes.length - 1}/${bytes.length}`);
    const rest = Buffer.from(await open.arrayBuffer());
    expect(rest.length).toBe(bytes.length - 100);
    expect(sha256(rest)).toBe(sha256(bytes.subarray(100)));

    const past = await content(nodeId, alice.auth, { Range: "bytes=99999999-" });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
  });

  it("answers If-None-Match with 304 and HEAD with headers only", async () => {
    const cached = await content(nodeId, alice.auth, { "If-None-Match": `"${digest}"` });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("etag")).toBe(`"${digest}"`);
    expect((await cached.arrayBuffer()).byteLength).toBe(0);

    const other = await content(nodeId, alice.auth, { "If-None-Match": `"${"0".repeat(64)}"` });
    expect(other.status).toBe(200);
    await other.arrayBuffer();

    const h = await content(nodeId, alice.auth, {}, "HEAD");
    expect(h.status).toBe(200);
    expect(h.headers.get("content-length")).toBe(String(bytes.length));
    expect(h.headers.get("etag")).toBe(`"${digest}"`);
    expect((await h.arrayBuffer()).byteLength).toBe(0);
  });

  it("is invisible to another user: 404, exactly like a random id", async () => {
    const bob = await newUploader();
    const random = await content(randomUUID(), bob.auth);
    expect(random.status).toBe(404);
    const randomBody = await random.text();
    expect(JSON.parse(randomBody)).toEqual({ code: "NOT_FOUND", message: "This file or folder does not exist, or you do not have access to it." });

    const foreign = await content(nodeId, bob.auth);
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toBe(randomBody);
    expect((await content(nodeId, bob.auth, {}, "HEAD")).status).toBe(404);
    expect((await content(nodeId, {})).status).toBe(401);
  });
});

describe("uploads and other users", () => {
  it("answers another user's upload URL exactly like a random one, and leaves the upload intact", async () => {
    const alice = await newUploader();
    const bob = await newUploader();
    const data = randomBytes(1000);
    const { url } = await createUpload(alice.auth, data.length, { filename: "mine.bin" });
    expect((await patch(url!, alice.auth, 0, data.subarray(0, 400))).status).toBe(204);
    const randomUrl = `${http.baseUrl}/api/upload/${randomBytes(16).toString("hex")}`;

    const randomPatch = await patch(randomUrl, bob.auth, 400, data.subarray(400));
    const foreignPatch = await patch(url!, bob.auth, 400, data.subarray(400));
    expect(randomPatch.status).toBe(404);
    expect(foreignPatch.status).toBe(404);
    const body = await foreignPatch.text();
    expect(body).toBe(await randomPatch.text());
    expect(JSON.parse(body)).toMatchObject({ code: "NOT_FOUND" });

    expect((await head(randomUrl, bob.auth)).status).toBe(404);
    expect((await head(url!, bob.auth)).status).toBe(404);
    // tus's own GET (it can stream an upload's data file) goes through the same owner check.
    expect((await fetch(url!, { headers: bob.auth })).status).toBe(404);

    const h = await head(url!, alice.auth);
    expect(h.status).toBe(200);
    expect(h.headers.get("upload-offset")).toBe("400");
    const done = await patch(url!, alice.auth, 400, data.subarray(400));
    expect(done.status).toBe(204);
    const nodeId = done.headers.get("upload-node-id")!;
    expect(sha256(new Uint8Array(await (await content(nodeId, alice.auth)).arrayBuffer()))).toBe(sha256(data));
  });
});

describe("integrity", () => {
  it("rejects a file whose bytes do not match the client's sha256, and saves nothing", async () => {
    const u = await newUploader();
    const data = randomBytes(300_000);
    const { res, url } = await createUpload(u.auth, data.length, { filename: "damaged.bin", sha256: sha256(randomBytes(8)) });
    expect(res.status).toBe(201);
    expect((await patch(url!, u.auth, 0, data.subarray(0, 100_000))).status).toBe(204);
    const last = await patch(url!, u.auth, 100_000, data.subarray(100_000));
    expect(last.status).toBe(400);
    const body = (await last.json()) as { code: string; message: string };
    expect(body.code).toBe("BAD_REQUEST");
    expect(body.message).toMatch(/checksum/);

    expect((await callerFor(u.actor).drive.list({})).items).toEqual([]);
    expect(await t.prisma.blob.count({ where: { sha256: sha256(data) } })).toBe(0);
    const session = await t.prisma.uploadSession.findUniqueOrThrow({ where: { id: url!.split("/").pop()! } });
    expect(session).toMatchObject({ status: "FAILED", nodeId: null, reservedBytes: 0n });
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: u.actor.userId } })).usedBytes).toBe(0n);
    expect(existsSync(path.join(t.dataDir, "uploads", session.id))).toBe(false);
  });

  it("accepts a file whose bytes match the client's sha256 (any case)", async () => {
    const u = await newUploader();
    const data = randomBytes(2000);
    const { url } = await createUpload(u.auth, data.length, { filename: "good.bin", sha256: sha256(data).toUpperCase() });
    const done = await patch(url!, u.auth, 0, data);
    expect(done.status).toBe(204);
    expect(done.headers.get("upload-node-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("resumes after a PATCH that broke off mid-way, from the offset actually stored", async () => {
    const u = await newUploader();
    const data = randomBytes(3 * MiB);
    const { url } = await createUpload(u.auth, data.length, { filename: "resumed.bin" });
    const uploadFile = path.join(t.dataDir, "uploads", url!.split("/").pop()!);

    // Send a little more than 1 MiB, wait until the server has written at least 1 MiB to disk,
    // then cut the connection with the request still open.
    const cutAfter = MiB + 256 * 1024;
    const abort = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent < cutAfter) {
          const chunk = data.subarray(sent, Math.min(sent + 64 * 1024, cutAfter));
          sent += chunk.length;
          controller.enqueue(chunk);
          return;
        }
        for (let i = 0; i < 600 && (await stat(uploadFile)).size < MiB; i++) await new Promise((r) => setTimeout(r, 50));
        abort.abort();
      },
    });
    const broken = await fetch(url!, {
      method: "PATCH",
      headers: { ...TUS, ...u.auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body,
      duplex: "half",
      signal: abort.signal,
    } as RequestInit).then(
      () => null,
      (e: unknown) => e,
    );
    expect(broken).toBeInstanceOf(Error);

    const h = await head(url!, u.auth);
    expect(h.status).toBe(200);
    const offset = Number(h.headers.get("upload-offset"));
    expect(offset).toBeGreaterThanOrEqual(MiB);
    expect(offset).toBeLessThanOrEqual(cutAfter);
    expect(offset).toBe((await stat(uploadFile)).size);

    const rest = await patch(url!, u.auth, offset, data.subarray(offset));
    expect(rest.status).toBe(204);
    const nodeId = rest.headers.get("upload-node-id")!;
    const version = await t.prisma.fileVersion.findFirstOrThrow({ where: { nodeId }, include: { blob: true } });
    expect(version.blob.sha256).toBe(sha256(data));
    const downloaded = new Uint8Array(await (await content(nodeId, u.auth)).arrayBuffer());
    expect(sha256(downloaded)).toBe(sha256(data));
  });
});

describe("versions and deduplication", () => {
  it("adds a version when the same name is uploaded twice into one folder", async () => {
    const u = await newUploader();
    const v1 = randomBytes(1500);
    const v2 = randomBytes(2500);
    const first = await upload(u, "plan.txt", v1);
    const second = await upload(u, "plan.txt", v2, { chunks: 2 });
    expect(second.nodeId).toBe(first.nodeId);

    const items = (await callerFor(u.actor).drive.list({})).items;
    expect(items.map((i) => [i.name, i.size])).toEqual([["plan.txt", 2500]]);
    const versions = await t.prisma.fileVersion.findMany({ where: { nodeId: first.nodeId }, orderBy: { number: "asc" }, include: { blob: true } });
    expect(versions.map((v) => [v.number, Number(v.size), v.blob.sha256])).toEqual([
      [1, 1500, sha256(v1)],
      [2, 2500, sha256(v2)],
    ]);
    const node = await t.prisma.node.findUniqueOrThrow({ where: { id: first.nodeId } });
    expect(node.currentVersionId).toBe(versions[1]!.id);
    expect(sha256(new Uint8Array(await (await content(first.nodeId, u.auth)).arrayBuffer()))).toBe(sha256(v2));
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: u.actor.userId } })).usedBytes).toBe(4000n);
  });

  it("stores identical bytes from two users once", async () => {
    const alice = await newUploader();
    const bob = await newUploader();
    const data = randomBytes(200_000);
    const digest = sha256(data);
    const a = await upload(alice, "same.bin", data, { chunks: 2 });
    const b = await upload(bob, "copy of same.bin", data);
    expect(a.nodeId).not.toBe(b.nodeId);

    const blobs = await t.prisma.blob.findMany({ where: { sha256: digest } });
    expect(blobs).toHaveLength(1);
    expect(blobs[0]).toMatchObject({ refCount: 2, size: 200_000n, storageKey: digest });
    const onDisk = (await filesUnder(path.join(t.dataDir, "blobs"))).filter((f) => path.basename(f) === digest);
    expect(onDisk).toHaveLength(1);
    expect((await stat(onDisk[0]!)).size).toBe(200_000);
    for (const [u, id] of [[alice, a.nodeId], [bob, b.nodeId]] as const) {
      expect(sha256(new Uint8Array(await (await content(id, u.auth)).arrayBuffer()))).toBe(digest);
    }
  });
});

describe("quota", () => {
  it("refuses an upload larger than the space left, naming what is left", async () => {
    await withTestEnv({ DEFAULT_QUOTA_BYTES: "1MiB" }, async () => {
      const u = await newUploader();
      const { res, url } = await createUpload(u.auth, 2 * MiB, { filename: "too-big.bin" });
      expect(res.status).toBe(413);
      expect(url).toBeNull();
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe("PAYLOAD_TOO_LARGE");
      expect(body.message).toBe("Not enough space: this file needs 2.0 MiB, and 1.0 MiB of your quota is left.");
      expect(await t.prisma.uploadSession.count({ where: { userId: u.actor.userId } })).toBe(0);

      const fits = await createUpload(u.auth, 512 * 1024, { filename: "fits.bin" });
      expect(fits.res.status).toBe(201);
      // The open upload holds its bytes: what is left now is 512 KiB.
      const next = await createUpload(u.auth, 600 * 1024, { filename: "next.bin" });
      expect(next.res.status).toBe(413);
      expect(((await next.res.json()) as { message: string }).message).toContain("512 KiB of your quota is left");
    });
  });
});

describe("health", () => {
  it("reports the database and storage", async () => {
    const res = await fetch(`${http.baseUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", db: "ok", storage: "ok" });
    expect((await fetch(`${http.baseUrl}/api/elsewhere`)).status).toBe(404);
  });
});
