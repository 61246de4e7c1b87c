import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Upload } from "@tus/utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobNotFoundError } from "@/server/storage/blob-store";
import { LocalBlobStore, localBlobPath } from "@/server/storage/local-blob-store";
import { OpenBlobHandles } from "@/server/storage/open-blob-handles";
import { chunked, runBlobStoreContract } from "@/server/storage/blob-store.contract";
import { HashingFileStore } from "@/server/upload/hashing-file-store";

runBlobStoreContract("LocalBlobStore", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "yp-blobs-"));
  const uploads = new HashingFileStore({ directory: path.join(dir, "uploads") });
  return {
    store: new LocalBlobStore(path.join(dir, "blobs")),
    boundary: 8 * 1024 * 1024,
    async finishUpload(bytes) {
      const id = randomBytes(16).toString("hex");
      await uploads.create(new Upload({ id, size: bytes.length, offset: 0 }));
      await uploads.write(chunked(bytes), id, 0);
      const { sha256, streamed } = await uploads.digest(id, bytes.length);
      if (!streamed) throw new Error("the hash should have been computed while writing");
      return { ref: uploads.uploadRef(id), sha256 };
    },
    isUploadPending: async (ref) => existsSync(ref.localPath!),
    close: () => rm(dir, { recursive: true, force: true }),
  };
});

describe("LocalBlobStore open handles", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "yp-handles-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Stores `bytes` as a blob the way an adopted upload lands: `<root>/ab/cd/<sha256>`. */
  async function putBlob(root: string, bytes: Buffer) {
    const key = createHash("sha256").update(bytes).digest("hex");
    const file = path.join(root, localBlobPath(key));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    return key;
  }
  async function readAll(store: LocalBlobStore, key: string, range?: { start: number; end: number }) {
    const parts: Buffer[] = [];
    await (await store.openChunks(key, range)).pipeTo(async (c) => void parts.push(Buffer.from(c)));
    return Buffer.concat(parts);
  }
  /** This process's descriptors open on files below `dir` (other tests' files do not count). */
  const openBelow = (root: string) =>
    readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(root);
      } catch {
        return false; // closed between the listing and the readlink
      }
    }).length;

  /** Waits (up to 5 s: the machine may be busy) for a descriptor count that background closes reach. */
  async function openBelowSettles(root: string, want: number) {
    for (const deadline = Date.now() + 5000; openBelow(root) !== want && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    return openBelow(root);
  }

  it("reuses one handle per blob, closes idle ones, keeps at most `max`, and closes all on close()", async () => {
    const root = path.join(dir, "blobs");
    const store = new LocalBlobStore(root, new OpenBlobHandles({ max: 2, idleMs: 150 }));
    const blobs = [randomBytes(3000), randomBytes(4000), randomBytes(5000)];
    const keys = await Promise.all(blobs.map((b) => putBlob(root, b)));
    expect(openBelow(root)).toBe(0);
    expect(await readAll(store, keys[0]!, { start: 10, end: 19 })).toEqual(blobs[0]!.subarray(10, 20));
    expect(await readAll(store, keys[0]!)).toEqual(blobs[0]);
    expect(openBelow(root)).toBe(1); // kept after the read, and reused by the second one
    await readAll(store, keys[1]!);
    await readAll(store, keys[2]!);
    // The cap: the least recently used one was closed (in the background).
    expect(await openBelowSettles(root, 2)).toBe(2);
    expect(await openBelowSettles(root, 0)).toBe(0); // idle past idleMs: closed
    await readAll(store, keys[0]!);
    expect(openBelow(root)).toBe(1);
    await store.close();
    expect(openBelow(root)).toBe(0);
  });

  it("never serves a deleted blob from a cached handle: deleted by the store, or unlinked by another replica", async () => {
    const root = path.join(dir, "blobs");
    const store = new LocalBlobStore(root, new OpenBlobHandles({ max: 8, idleMs: 60_000 }));
    const a = randomBytes(2000);
    const b = randomBytes(2000);
    const [keyA, keyB] = [await putBlob(root, a), await putBlob(root, b)];
    expect(await readAll(store, keyA)).toEqual(a);
    expect(await readAll(store, keyB)).toEqual(b);
    await store.delete(keyA);
    expect(openBelow(root)).toBe(1); // the store evicted (closed) its handle on delete: only B's is open
    await expect(store.openChunks(keyA)).rejects.toBeInstanceOf(BlobNotFoundError);
    // Another process sharing the disk (blob GC on another replica) unlinks behind this store's back.
    await unlink(path.join(root, localBlobPath(keyB)));
    await expect(store.openChunks(keyB)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await openBelowSettles(root, 0)).toBe(0);
    await store.close();
  });
});
