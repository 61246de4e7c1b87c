import { createHash, randomBytes } from "node:crypto";
import { utimes } from "node:fs/promises";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { createTestFile, createTestUser } from "@/server/test/factories";
import { collectGarbage, getStorageStats } from "@/server/drive/blob-gc.service";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { localBlobPath } from "@/server/storage/local-blob-store";

const t = useTestDatabase();
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function blobFor(content: Buffer) {
  return t.prisma.blob.findFirstOrThrow({ where: { sha256: sha(content) } });
}

/** What a purge leaves behind: the versions gone, the blob unreferenced. */
async function unreference(content: Buffer) {
  const blob = await blobFor(content);
  await t.prisma.node.deleteMany({ where: { versions: { some: { blobId: blob.id } } } });
  await t.prisma.blob.update({ where: { id: blob.id }, data: { refCount: 0 } });
  return blob;
}

test("unreferenced blobs are deleted with their bytes; referenced ones stay", async () => {
  const { actor } = await createTestUser();
  const keep = randomBytes(10_000);
  const drop = randomBytes(20_000);
  await createTestFile({ actor, name: "keep.bin", content: keep });
  await createTestFile({ actor, name: "drop.bin", content: drop });
  const dropped = await unreference(drop);

  const result = await collectGarbage();
  expect(result).toMatchObject({ deleted: 1, freedBytes: 20_000 });
  expect(await t.prisma.blob.findUnique({ where: { id: dropped.id } })).toBeNull();
  expect(await getBlobStore().head(dropped.storageKey)).toBeNull();
  expect(await getBlobStore().head((await blobFor(keep)).storageKey)).not.toBeNull();
  expect(await collectGarbage()).toMatchObject({ deleted: 0, orphans: 0 });
});

test("bytes no row knows of are swept once a day old, not before", async () => {
  const root = path.join(t.dataDir, "blobs");
  const make = async (content: Buffer, ageHours: number) => {
    const file = path.join(root, localBlobPath(sha(content)));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    const when = new Date(Date.now() - ageHours * 3600_000);
    await utimes(file, when, when);
    return sha(content);
  };
  const old = await make(randomBytes(500), 30);
  const fresh = await make(randomBytes(700), 1);
  const result = await collectGarbage();
  expect(result.orphans).toBe(1);
  expect(await getBlobStore().head(old)).toBeNull();
  expect(await getBlobStore().head(fresh)).not.toBeNull();
});

test("a commit racing the collector for the same bytes always ends with its bytes stored", async () => {
  const { actor } = await createTestUser();
  for (let i = 0; i < 5; i++) {
    const content = randomBytes(50_000);
    await createTestFile({ actor, name: `race-${i}.bin`, content });
    await unreference(content);
    const [, node] = await Promise.all([collectGarbage(), createTestFile({ actor, name: `again-${i}.bin`, content })]);
    const blob = await blobFor(content);
    expect(blob.refCount).toBe(1);
    const head = await getBlobStore().head(blob.storageKey);
    expect(head?.size).toBe(50_000);
    expect(node.size).toBe(50_000);
  }
});

test("a row whose bytes an interrupted collector already removed is pointed at new bytes", async () => {
  const { actor } = await createTestUser();
  const content = randomBytes(30_000);
  await createTestFile({ actor, name: "first.bin", content });
  const blob = await unreference(content);
  await getBlobStore().delete(blob.storageKey); // the collector died after deleting the bytes
  await createTestFile({ actor, name: "second.bin", content });
  const after = await blobFor(content);
  expect(after.refCount).toBe(1);
  expect((await getBlobStore().head(after.storageKey))?.size).toBe(30_000);
});

test("storage stats: logical bytes count every copy, physical bytes each content once", async () => {
  const before = await getStorageStats();
  const a = await createTestUser();
  const b = await createTestUser();
  const content = randomBytes(40_000);
  await createTestFile({ actor: a.actor, name: "same.bin", content });
  await createTestFile({ actor: b.actor, name: "same.bin", content });
  const after = await getStorageStats();
  expect(after.logicalBytes - before.logicalBytes).toBe(80_000);
  expect(after.physicalBytes - before.physicalBytes).toBe(40_000);
  expect(after.savedByDedupBytes - before.savedByDedupBytes).toBe(40_000);
});
