import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { NOT_FOUND, rejectionOf } from "@/server/test/rejection";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import type { Actor } from "@/server/auth/actor";

const t = useTestDatabase();

const usedBytes = async (actor: Actor) => (await t.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } })).usedBytes;
const blobBySha = async (content: string) => {
  const { createHash } = await import("node:crypto");
  return t.prisma.blob.findFirstOrThrow({ where: { sha256: createHash("sha256").update(content).digest("hex") } });
};

/** A file with one version per content, uploaded in order (the last is current). */
async function fileWithVersions(actor: Actor, name: string, contents: string[]) {
  let id = "";
  for (const content of contents) id = (await createTestFile({ actor, name, content })).id;
  return id;
}

describe("versions", () => {
  it("lists versions newest first with number, size, date and uploader; the newest is current", async () => {
    const { actor, user } = await createTestUser({ name: "Wang Fang" });
    const id = await fileWithVersions(actor, "v.txt", ["one", "two!", "three"]);
    const versions = await callerFor(actor).drive.versions({ nodeId: id });
    expect(versions.map((v) => [v.number, v.size, v.createdBy, v.isCurrent])).toEqual([
      [3, 5, user.name, true],
      [2, 4, user.name, false],
      [1, 3, user.name, false],
    ]);
    expect(versions[0]!.createdAt).toBeInstanceOf(Date);
  });

  it("restores an old version as a new newest version on the same blob, charged to the quota", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const id = await fileWithVersions(actor, "doc.txt", ["old content", "new"]);
    const used = await usedBytes(actor);
    const oldBlob = await blobBySha("old content");
    const v1 = (await drive.versions({ nodeId: id })).find((v) => v.number === 1)!;
    const restored = await drive.restoreVersion({ nodeId: id, versionId: v1.id });
    expect(restored).toMatchObject({ number: 3, size: 11, isCurrent: true });
    expect(await usedBytes(actor)).toBe(used + 11n);
    expect((await t.prisma.blob.findUniqueOrThrow({ where: { id: oldBlob.id } })).refCount).toBe(2);
    const node = await t.prisma.node.findUniqueOrThrow({ where: { id } });
    expect(node).toMatchObject({ currentVersionId: restored.id, size: 11n });
    expect((await drive.versions({ nodeId: id })).map((v) => v.number)).toEqual([3, 2, 1]);
  });

  it("refuses to restore a version past the quota", async () => {
    await withTestEnv({ DEFAULT_QUOTA_BYTES: "30" }, async () => {
      const { actor } = await createTestUser();
      const id = await fileWithVersions(actor, "q.txt", ["0123456789abcdef", "x"]);
      const v1 = (await callerFor(actor).drive.versions({ nodeId: id })).find((v) => v.number === 1)!;
      const err = await rejectionOf(callerFor(actor).drive.restoreVersion({ nodeId: id, versionId: v1.id }));
      expect(err.code).toBe("PAYLOAD_TOO_LARGE");
      expect(await usedBytes(actor)).toBe(17n);
      expect(await t.prisma.fileVersion.count({ where: { nodeId: id } })).toBe(2);
    });
  });

  it("deletes an old version, and deleting the current one makes the previous current", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const id = await fileWithVersions(actor, "d.txt", ["a", "bb", "ccc"]);
    expect(await usedBytes(actor)).toBe(6n);
    const [v3, v2, v1] = await drive.versions({ nodeId: id });
    await drive.deleteVersion({ nodeId: id, versionId: v2!.id });
    expect(await usedBytes(actor)).toBe(4n);
    expect((await blobBySha("bb")).refCount).toBe(0);

    expect(await drive.deleteVersion({ nodeId: id, versionId: v3!.id })).toEqual({ currentVersionId: v1!.id });
    expect(await t.prisma.node.findUniqueOrThrow({ where: { id } })).toMatchObject({ currentVersionId: v1!.id, size: 1n });
    expect(await usedBytes(actor)).toBe(1n);
    expect((await blobBySha("ccc")).refCount).toBe(0);
    expect((await drive.versions({ nodeId: id })).map((v) => [v.number, v.isCurrent])).toEqual([[1, true]]);

    const only = await rejectionOf(drive.deleteVersion({ nodeId: id, versionId: v1!.id }));
    expect(only).toEqual({ code: "BAD_REQUEST", message: "A file's only version cannot be deleted; delete the file instead." });
    // the next upload numbers on from the newest remaining version
    await createTestFile({ actor, name: "d.txt", content: "dddd" });
    expect((await drive.versions({ nodeId: id })).map((v) => [v.number, v.isCurrent])).toEqual([[2, true], [1, false]]);
  });

  it("answers another user's file like a random id, and another file's version as missing", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const id = await fileWithVersions(alice.actor, "a.txt", ["1", "2"]);
    const other = await fileWithVersions(alice.actor, "b.txt", ["3", "4"]);
    const [, v1] = await callerFor(alice.actor).drive.versions({ nodeId: id });
    const bobDrive = callerFor(bob.actor).drive;
    for (const nodeId of [id, randomUUID()]) {
      expect(await rejectionOf(bobDrive.versions({ nodeId }))).toEqual(NOT_FOUND);
      expect(await rejectionOf(bobDrive.restoreVersion({ nodeId, versionId: v1!.id }))).toEqual(NOT_FOUND);
      expect(await rejectionOf(bobDrive.deleteVersion({ nodeId, versionId: v1!.id }))).toEqual(NOT_FOUND);
    }
    const wrongFile = await rejectionOf(callerFor(alice.actor).drive.deleteVersion({ nodeId: other, versionId: v1!.id }));
    expect(wrongFile).toEqual({ code: "NOT_FOUND", message: "This version does not exist." });
    expect(await t.prisma.fileVersion.count({ where: { nodeId: id } })).toBe(2);
    const folder = await callerFor(alice.actor).drive.createFolder({ name: "f" });
    expect((await rejectionOf(callerFor(alice.actor).drive.versions({ nodeId: folder.id }))).code).toBe("BAD_REQUEST");
  });
});

describe("retention", () => {
  it("keeps exactly VERSIONS_KEEP versions after each upload, giving back bytes and blob references", async () => {
    await withTestEnv({ VERSIONS_KEEP: "3" }, async () => {
      const { actor } = await createTestUser();
      const contents = ["v1", "v2-", "v3--", "v4---", "v5----"];
      const id = await fileWithVersions(actor, "r.txt", contents);
      const versions = await callerFor(actor).drive.versions({ nodeId: id });
      expect(versions.map((v) => v.number)).toEqual([5, 4, 3]);
      expect(await usedBytes(actor)).toBe(BigInt(4 + 5 + 6));
      expect((await blobBySha("v1")).refCount).toBe(0);
      expect((await blobBySha("v2-")).refCount).toBe(0);
      expect((await blobBySha("v3--")).refCount).toBe(1);
      // restoring a version is a new version too, and retention applies to it
      await callerFor(actor).drive.restoreVersion({ nodeId: id, versionId: versions[2]!.id });
      expect((await callerFor(actor).drive.versions({ nodeId: id })).map((v) => v.number)).toEqual([6, 5, 4]);
      expect((await blobBySha("v3--")).refCount).toBe(1);
      expect(await usedBytes(actor)).toBe(BigInt(4 + 6 + 5));
    });
  });

  it("with VERSIONS_DAYS, also drops versions older than that, never the current one", async () => {
    await withTestEnv({ VERSIONS_KEEP: "10", VERSIONS_DAYS: "30" }, async () => {
      const { actor } = await createTestUser();
      const id = await fileWithVersions(actor, "old.txt", ["ancient", "recent"]);
      await t.prisma.fileVersion.updateMany({ where: { nodeId: id }, data: { createdAt: new Date(Date.now() - 40 * 86_400_000) } });
      await createTestFile({ actor, name: "old.txt", content: "now" });
      expect((await callerFor(actor).drive.versions({ nodeId: id })).map((v) => v.number)).toEqual([3]);
      expect(await usedBytes(actor)).toBe(3n);

      const lone = await fileWithVersions(actor, "lone.txt", ["only"]);
      await t.prisma.fileVersion.updateMany({ where: { nodeId: lone }, data: { createdAt: new Date(Date.now() - 40 * 86_400_000) } });
      const other = await fileWithVersions(actor, "trigger.txt", ["x"]);
      expect(other).not.toBe(lone);
      expect(await t.prisma.fileVersion.count({ where: { nodeId: lone } })).toBe(1);
    });
  });
});
