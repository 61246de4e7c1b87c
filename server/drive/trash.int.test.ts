import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { purgeExpiredTrash } from "@/server/drive/trash.service";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { NOT_FOUND, rejectionOf } from "@/server/test/rejection";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import type { Actor } from "@/server/auth/actor";

const t = useTestDatabase();

const usedBytes = async (actor: Actor) => (await t.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } })).usedBytes;
const names = async (actor: Actor, folderId?: string) => (await callerFor(actor).drive.list({ folderId })).items.map((i) => i.name);
const blobOf = async (nodeId: string) =>
  (await t.prisma.node.findUniqueOrThrow({ where: { id: nodeId }, include: { currentVersion: { include: { blob: true } } } })).currentVersion!.blob;
const TRASH_NOT_FOUND = { code: "NOT_FOUND", message: "This item is not in the trash." };

describe("trash list", () => {
  it("lists only what the caller deleted (not the contents of deleted folders), newest first, with the original path", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const docs = await drive.createFolder({ name: "docs" });
    const year = await drive.createFolder({ name: "2026", parentId: docs.id });
    const report = await createTestFile({ actor, name: "report.pdf", parentId: year.id, content: "pdf" });
    const old = await drive.createFolder({ name: "old", parentId: docs.id });
    await createTestFile({ actor, name: "inside.txt", parentId: old.id });
    await drive.trash({ nodeIds: [report.id] });
    await drive.trash({ nodeIds: [old.id] });

    const trash = await drive.listTrash({});
    expect(trash.items.map((i) => i.name)).toEqual(["old", "report.pdf"]);
    const root = (await drive.list({})).folder.id;
    expect(trash.items[1]!.originalPath).toEqual([
      { id: root, name: "", isRoot: true },
      { id: docs.id, name: "docs", isRoot: false },
      { id: year.id, name: "2026", isRoot: false },
    ]);
    const item = trash.items[0]!;
    expect(item.expiresAt.getTime() - item.trashedAt.getTime()).toBe(30 * 86_400_000);
    expect(trash.nextCursor).toBeNull();

    const first = await drive.listTrash({ limit: 1 });
    expect(first.items.map((i) => i.name)).toEqual(["old"]);
    const second = await drive.listTrash({ limit: 1, cursor: first.nextCursor });
    expect(second.items.map((i) => i.name)).toEqual(["report.pdf"]);
    expect(second.nextCursor).toBeNull();

    // someone else's trash is not listed
    const other = await createTestUser();
    expect((await callerFor(other.actor).drive.listTrash({})).items).toEqual([]);
  });
});

describe("restore", () => {
  it("puts a folder back where it was, with everything deleted with it", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const docs = await drive.createFolder({ name: "docs" });
    const old = await drive.createFolder({ name: "old", parentId: docs.id });
    await createTestFile({ actor, name: "inside.txt", parentId: old.id });
    await drive.trash({ nodeIds: [old.id] });
    const [restored] = await drive.restore({ nodeIds: [old.id] });
    expect(restored).toMatchObject({ id: old.id, name: "old", parentId: docs.id });
    expect(await names(actor, docs.id)).toEqual(["old"]);
    expect(await names(actor, old.id)).toEqual(["inside.txt"]);
    expect((await drive.listTrash({})).items).toEqual([]);
    const rows = await t.prisma.node.findMany({ where: { OR: [{ id: old.id }, { parentId: old.id }] } });
    for (const r of rows) expect(r).toMatchObject({ trashedAt: null, trashRootId: null, liveName: r.name });
  });

  it("picks a suffixed name when the name was taken meanwhile", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const a = await createTestFile({ actor, name: "a.txt", content: "first" });
    await drive.trash({ nodeIds: [a.id] });
    await createTestFile({ actor, name: "a.txt", content: "second" });
    const [restored] = await drive.restore({ nodeIds: [a.id] });
    expect(restored!.name).toBe("a (1).txt");
    expect(await names(actor)).toEqual(["a (1).txt", "a.txt"]);
  });

  it("restores into the root when the original folder is in the trash or was purged", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const root = (await drive.list({})).folder.id;
    const folder = await drive.createFolder({ name: "folder" });
    const child = await createTestFile({ actor, name: "child.txt", parentId: folder.id });
    const sibling = await createTestFile({ actor, name: "sibling.txt", parentId: folder.id });
    await drive.trash({ nodeIds: [child.id] });
    await drive.trash({ nodeIds: [folder.id] });
    // the original folder is itself in the trash
    expect((await drive.restore({ nodeIds: [child.id] }))[0]).toMatchObject({ parentId: root, name: "child.txt" });

    await drive.trash({ nodeIds: [child.id] });
    await drive.restore({ nodeIds: [folder.id] });
    await drive.trash({ nodeIds: [sibling.id] });
    await drive.trash({ nodeIds: [folder.id] });
    // purging the folder keeps the separately deleted sibling in the trash, detached
    await drive.purge({ nodeIds: [folder.id] });
    expect((await drive.listTrash({})).items.map((i) => [i.name, i.originalPath])).toEqual([
      ["sibling.txt", null],
      ["child.txt", [{ id: root, name: "", isRoot: true }]],
    ]);
    expect((await drive.restore({ nodeIds: [sibling.id] }))[0]).toMatchObject({ parentId: root, name: "sibling.txt" });
    expect(await names(actor)).toEqual(["sibling.txt"]);
  });

  it("refuses live nodes and nodes inside a deleted folder, and answers foreign ids like random ones", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const drive = callerFor(alice.actor).drive;
    const live = await createTestFile({ actor: alice.actor, name: "live.txt" });
    const folder = await drive.createFolder({ name: "folder" });
    const inner = await createTestFile({ actor: alice.actor, name: "inner.txt", parentId: folder.id });
    await drive.trash({ nodeIds: [folder.id] });
    expect(await rejectionOf(drive.restore({ nodeIds: [live.id] }))).toEqual(TRASH_NOT_FOUND);
    expect(await rejectionOf(drive.restore({ nodeIds: [inner.id] }))).toEqual(TRASH_NOT_FOUND);
    expect(await rejectionOf(drive.purge({ nodeIds: [inner.id] }))).toEqual(TRASH_NOT_FOUND);
    const bobDrive = callerFor(bob.actor).drive;
    for (const id of [folder.id, live.id, randomUUID()]) {
      expect(await rejectionOf(bobDrive.restore({ nodeIds: [id] }))).toEqual(NOT_FOUND);
      expect(await rejectionOf(bobDrive.purge({ nodeIds: [id] }))).toEqual(NOT_FOUND);
    }
    await bobDrive.emptyTrash();
    expect((await drive.listTrash({})).items.map((i) => i.name)).toEqual(["folder"]);
  });
});

describe("modified time", () => {
  it("is the item's own: kept through trash, restore and move, changed by a new version or a rename", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const folder = await drive.createFolder({ name: "Reports" });
    const other = await drive.createFolder({ name: "Other" });
    const file = await createTestFile({ actor, parentId: folder.id, name: "q3.txt", content: "v1" });
    const inside = await createTestFile({ actor, parentId: folder.id, name: "inside.txt" });
    const then = new Date("2024-03-01T10:00:00Z");
    await t.prisma.node.updateMany({ where: { id: { in: [folder.id, file.id, inside.id] } }, data: { updatedAt: then } });
    const modified = async (id: string) => (await t.prisma.node.findUniqueOrThrow({ where: { id } })).updatedAt.toISOString();

    await drive.trash({ nodeIds: [file.id] });
    const [restored] = await drive.restore({ nodeIds: [file.id] });
    expect(restored!.updatedAt.toISOString()).toBe(then.toISOString());
    expect((await drive.list({ folderId: folder.id })).items.find((i) => i.id === file.id)!.updatedAt.toISOString()).toBe(then.toISOString());
    // A folder restored with its contents: none of them becomes "just now".
    await drive.trash({ nodeIds: [folder.id] });
    await drive.restore({ nodeIds: [folder.id] });
    for (const id of [folder.id, file.id, inside.id]) expect(await modified(id)).toBe(then.toISOString());
    await drive.move({ nodeIds: [file.id], targetId: other.id });
    expect(await modified(file.id)).toBe(then.toISOString());

    await drive.rename({ nodeId: file.id, name: "q3-final.txt" });
    expect(new Date(await modified(file.id)).getTime()).toBeGreaterThan(then.getTime());
    await t.prisma.node.update({ where: { id: inside.id }, data: { updatedAt: then } });
    await createTestFile({ actor, parentId: folder.id, name: "inside.txt", content: "a new version" });
    expect(new Date(await modified(inside.id)).getTime()).toBeGreaterThan(then.getTime());
  });
});

describe("purge", () => {
  it("deletes nodes and versions for good: usedBytes and every blob's refCount drop exactly", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const folder = await drive.createFolder({ name: "folder" });
    const a = await createTestFile({ actor, name: "a.txt", parentId: folder.id, content: "aaaa" });
    await createTestFile({ actor, name: "a.txt", parentId: folder.id, content: "aaaaaa" }); // version 2
    const keep = await createTestFile({ actor, name: "keep.txt", content: "aaaa" }); // same bytes as a's v1
    const v1Blob = await blobOf(keep.id);
    expect(v1Blob.refCount).toBe(2);
    const v2Blob = await blobOf(a.id);
    expect(await usedBytes(actor)).toBe(14n);

    await drive.trash({ nodeIds: [folder.id] });
    expect(await usedBytes(actor)).toBe(14n);
    expect(await drive.purge({ nodeIds: [folder.id] })).toEqual({ purged: 2, freedBytes: 10 });
    expect(await usedBytes(actor)).toBe(4n);
    expect((await t.prisma.blob.findUniqueOrThrow({ where: { id: v1Blob.id } })).refCount).toBe(1);
    expect((await t.prisma.blob.findUniqueOrThrow({ where: { id: v2Blob.id } })).refCount).toBe(0);
    expect(await t.prisma.node.count({ where: { id: { in: [folder.id, a.id] } } })).toBe(0);
    expect(await t.prisma.fileVersion.count({ where: { nodeId: a.id } })).toBe(0);
    expect((await drive.listTrash({})).items).toEqual([]);
  });

  it("empties the whole trash of the caller only", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const a1 = await createTestFile({ actor: alice.actor, name: "1.txt", content: "1" });
    const a2 = await createTestFile({ actor: alice.actor, name: "2.txt", content: "22" });
    const b1 = await createTestFile({ actor: bob.actor, name: "b.txt", content: "333" });
    await callerFor(alice.actor).drive.trash({ nodeIds: [a1.id, a2.id] });
    await callerFor(bob.actor).drive.trash({ nodeIds: [b1.id] });
    expect(await callerFor(alice.actor).drive.emptyTrash()).toEqual({ purged: 2, freedBytes: 3 });
    expect(await usedBytes(alice.actor)).toBe(0n);
    expect(await usedBytes(bob.actor)).toBe(3n);
    expect((await callerFor(bob.actor).drive.listTrash({})).items.map((i) => i.name)).toEqual(["b.txt"]);
  });
});

describe("purge job", () => {
  it("purges only the trash older than TRASH_DAYS", async () => {
    await withTestEnv({ TRASH_DAYS: "7" }, async () => {
      const { actor } = await createTestUser();
      const drive = callerFor(actor).drive;
      const fresh = await createTestFile({ actor, name: "fresh.txt", content: "12" });
      const expired = await drive.createFolder({ name: "expired" });
      await createTestFile({ actor, name: "in.txt", parentId: expired.id, content: "1234" });
      const live = await createTestFile({ actor, name: "live.txt", content: "1" });
      await drive.trash({ nodeIds: [fresh.id, expired.id] });
      const now = new Date();
      const eightDaysAgo = new Date(now.getTime() - 8 * 86_400_000);
      await t.prisma.node.updateMany({ where: { trashRootId: expired.id }, data: { trashedAt: eightDaysAgo } });

      const result = await purgeExpiredTrash({ now });
      expect(result).toMatchObject({ purgedItems: 1, purgedNodes: 2, freedBytes: 4 });
      expect((await drive.listTrash({})).items.map((i) => i.name)).toEqual(["fresh.txt"]);
      expect(await usedBytes(actor)).toBe(3n);
      expect(await names(actor)).toEqual(["live.txt"]);
      expect(await t.prisma.node.count({ where: { id: live.id } })).toBe(1);
      // a week later the rest has expired too
      expect((await purgeExpiredTrash({ now: new Date(now.getTime() + 7 * 86_400_000 + 1000) })).purgedItems).toBeGreaterThanOrEqual(1);
      expect((await drive.listTrash({})).items).toEqual([]);
    });
  });
});
