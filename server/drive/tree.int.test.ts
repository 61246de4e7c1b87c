import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { NOT_FOUND, rejectionOf } from "@/server/test/rejection";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import type { Actor } from "@/server/auth/actor";

const t = useTestDatabase();

const usedBytes = async (actor: Actor) => (await t.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } })).usedBytes;
const names = async (actor: Actor, folderId?: string) => (await callerFor(actor).drive.list({ folderId })).items.map((i) => i.name);
const refCountOf = async (nodeId: string) => {
  const node = await t.prisma.node.findUniqueOrThrow({ where: { id: nodeId }, include: { currentVersion: { include: { blob: true } } } });
  return node.currentVersion!.blob.refCount;
};

describe("rename", () => {
  it("renames a file and a folder, refusing a name taken in the folder with a message naming it", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const file = await createTestFile({ actor, name: "a.txt", content: "a" });
    await createTestFile({ actor, name: "b.txt", content: "b" });
    const folder = await drive.createFolder({ name: "docs" });

    expect(await drive.rename({ nodeId: file.id, name: "季度报告.txt" })).toMatchObject({ id: file.id, name: "季度报告.txt" });
    expect(await drive.rename({ nodeId: folder.id, name: "文档" })).toMatchObject({ id: folder.id, name: "文档" });
    const clash = await rejectionOf(drive.rename({ nodeId: file.id, name: "b.txt" }));
    expect(clash).toEqual({ code: "CONFLICT", message: "“b.txt” already exists in this folder." });
    expect((await rejectionOf(drive.rename({ nodeId: file.id, name: "a/b" }))).code).toBe("BAD_REQUEST");
    expect(await names(actor)).toEqual(["文档", "b.txt", "季度报告.txt"]);
    // the old name is free again
    expect((await drive.createFolder({ name: "docs" })).name).toBe("docs");
  });

  it("refuses the root folder, and answers another user's node like a random id", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const root = (await callerFor(alice.actor).drive.list({})).folder.id;
    expect((await rejectionOf(callerFor(alice.actor).drive.rename({ nodeId: root, name: "x" }))).code).toBe("BAD_REQUEST");
    const file = await createTestFile({ actor: alice.actor, name: "secret.txt" });
    const bobDrive = callerFor(bob.actor).drive;
    expect(await rejectionOf(bobDrive.rename({ nodeId: file.id, name: "mine.txt" }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(bobDrive.rename({ nodeId: randomUUID(), name: "mine.txt" }))).toEqual(NOT_FOUND);
    expect(await names(alice.actor)).toEqual(["secret.txt"]);
  });
});

describe("move", () => {
  it("moves several nodes into a folder at once", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const target = await drive.createFolder({ name: "target" });
    const sub = await drive.createFolder({ name: "sub" });
    const a = await createTestFile({ actor, name: "a.txt" });
    const b = await createTestFile({ actor, name: "b.txt", parentId: sub.id });
    const moved = await drive.move({ nodeIds: [a.id, b.id, sub.id], targetId: target.id });
    expect(moved.map((m) => m.name).sort()).toEqual(["a.txt", "b.txt", "sub"]);
    expect(await names(actor, target.id)).toEqual(["sub", "a.txt", "b.txt"]);
    expect(await names(actor, sub.id)).toEqual([]);
    expect(await names(actor)).toEqual(["target"]);
  });

  it("refuses to move a folder into itself or a descendant, naming it, and changes nothing", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const top = await drive.createFolder({ name: "top" });
    const mid = await drive.createFolder({ name: "mid", parentId: top.id });
    const deep = await drive.createFolder({ name: "deep", parentId: mid.id });
    const other = await createTestFile({ actor, name: "other.txt" });
    for (const targetId of [top.id, mid.id, deep.id]) {
      const err = await rejectionOf(drive.move({ nodeIds: [other.id, top.id], targetId }));
      expect(err).toEqual({ code: "BAD_REQUEST", message: "“top” cannot be moved or copied into itself or one of its own folders." });
    }
    expect(await names(actor)).toEqual(["top", "other.txt"]);
    expect(await names(actor, mid.id)).toEqual(["deep"]);
    // moving a folder to where it already is, is fine
    await drive.move({ nodeIds: [mid.id], targetId: top.id });
    expect(await names(actor, top.id)).toEqual(["mid"]);
  });

  it("refuses a name that exists in the target, or twice in the selection, and moves nothing", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const target = await drive.createFolder({ name: "target" });
    const x = await drive.createFolder({ name: "x" });
    await createTestFile({ actor, name: "same.txt", parentId: target.id });
    const a = await createTestFile({ actor, name: "a.txt" });
    const same = await createTestFile({ actor, name: "same.txt" });
    const err = await rejectionOf(drive.move({ nodeIds: [a.id, same.id], targetId: target.id }));
    expect(err).toEqual({ code: "CONFLICT", message: "“same.txt” already exists in this folder." });
    expect(await names(actor)).toEqual(["target", "x", "a.txt", "same.txt"]);

    const a2 = await createTestFile({ actor, name: "a.txt", parentId: x.id });
    const twice = await rejectionOf(drive.move({ nodeIds: [a.id, a2.id], targetId: target.id }));
    expect(twice).toEqual({ code: "CONFLICT", message: "“a.txt” already exists in this folder." });
    expect(await names(actor, target.id)).toEqual(["same.txt"]);
  });

  it("refuses a file as the target, the root as a source, and a target in another drive", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const drive = callerFor(alice.actor).drive;
    const file = await createTestFile({ actor: alice.actor, name: "f.txt" });
    const other = await createTestFile({ actor: alice.actor, name: "g.txt" });
    const root = (await drive.list({})).folder.id;
    const folder = await drive.createFolder({ name: "folder" });
    expect(await rejectionOf(drive.move({ nodeIds: [other.id], targetId: file.id }))).toEqual({ code: "BAD_REQUEST", message: "The destination is not a folder." });
    expect((await rejectionOf(drive.move({ nodeIds: [root], targetId: folder.id }))).code).toBe("BAD_REQUEST");
    const bobFolder = await callerFor(bob.actor).drive.createFolder({ name: "bob's" });
    expect(await rejectionOf(drive.move({ nodeIds: [file.id], targetId: bobFolder.id }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(callerFor(bob.actor).drive.move({ nodeIds: [file.id], targetId: bobFolder.id }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(callerFor(bob.actor).drive.move({ nodeIds: [randomUUID()], targetId: bobFolder.id }))).toEqual(NOT_FOUND);
    expect(await names(alice.actor)).toEqual(["folder", "f.txt", "g.txt"]);
  });

  it("refuses a move across drives even for someone who may write both", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const shared = await callerFor(bob.actor).drive.createFolder({ name: "shared" });
    await t.prisma.grant.create({ data: { nodeId: shared.id, granteeId: alice.user.id, createdById: bob.user.id, role: "EDITOR" } });
    const file = await createTestFile({ actor: alice.actor, name: "mine.txt" });
    const err = await rejectionOf(callerFor(alice.actor).drive.move({ nodeIds: [file.id], targetId: shared.id }));
    expect(err).toEqual({ code: "BAD_REQUEST", message: "Items can only be moved within the same drive." });
  });
});

describe("copy", () => {
  it("copies a file into the same folder as “name (1)”, sharing the blob, charging the quota", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const file = await createTestFile({ actor, name: "报告.txt", content: "hello world" });
    expect(await usedBytes(actor)).toBe(11n);
    const [copy] = await drive.copy({ nodeIds: [file.id], targetId: (await drive.list({})).folder.id });
    expect(copy).toMatchObject({ name: "报告 (1).txt", size: 11, kind: "FILE", mimeType: "text/plain" });
    const [again] = await drive.copy({ nodeIds: [file.id], targetId: (await drive.list({})).folder.id });
    expect(again!.name).toBe("报告 (2).txt");
    expect(await usedBytes(actor)).toBe(33n);
    expect(await refCountOf(file.id)).toBe(3);
    const versions = await t.prisma.fileVersion.findMany({ where: { nodeId: copy!.id } });
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ number: 1, size: 11n, createdById: actor.userId });
  });

  it("copies a folder recursively with empty folders, and refuses to copy it into itself", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const src = await drive.createFolder({ name: "src" });
    const inner = await drive.createFolder({ name: "inner", parentId: src.id });
    await drive.createFolder({ name: "empty", parentId: inner.id });
    await createTestFile({ actor, name: "one.bin", parentId: src.id, content: "12345" });
    await createTestFile({ actor, name: "two.bin", parentId: inner.id, content: "1234567" });
    const trashed = await createTestFile({ actor, name: "gone.bin", parentId: src.id, content: "xxx" });
    await drive.trash({ nodeIds: [trashed.id] });
    const dest = await drive.createFolder({ name: "dest" });
    const before = await usedBytes(actor);

    const [copy] = await drive.copy({ nodeIds: [src.id], targetId: dest.id });
    expect(copy).toMatchObject({ name: "src", kind: "FOLDER" });
    expect(await names(actor, copy!.id)).toEqual(["inner", "one.bin"]);
    const innerCopy = (await drive.list({ folderId: copy!.id })).items.find((i) => i.name === "inner")!;
    expect(innerCopy.id).not.toBe(inner.id);
    expect(await names(actor, innerCopy.id)).toEqual(["empty", "two.bin"]);
    expect(await usedBytes(actor)).toBe(before + 12n);

    expect((await rejectionOf(drive.copy({ nodeIds: [src.id], targetId: inner.id }))).code).toBe("BAD_REQUEST");
    // a copy next to the original is suffixed, a folder keeps its dots
    const dotted = await drive.createFolder({ name: "v1.2" });
    const root = (await drive.list({})).folder.id;
    expect((await drive.copy({ nodeIds: [dotted.id, src.id], targetId: root })).map((c) => c.name)).toEqual(["v1.2 (1)", "src (1)"]);
    // a node selected together with its folder is copied once, inside the folder's copy
    const [both] = await drive.copy({ nodeIds: [inner.id, src.id], targetId: dest.id });
    expect(both!.name).toBe("src (1)");
    expect(await names(actor, dest.id)).toEqual(["src", "src (1)"]);
    const innerOfBoth = (await drive.list({ folderId: both!.id })).items.find((i) => i.name === "inner")!;
    expect(await names(actor, innerOfBoth.id)).toEqual(["empty", "two.bin"]);
  });

  it("refuses a copy that does not fit the quota, as a whole, and changes nothing", async () => {
    await withTestEnv({ DEFAULT_QUOTA_BYTES: "100" }, async () => {
      const { actor } = await createTestUser();
      const drive = callerFor(actor).drive;
      const folder = await drive.createFolder({ name: "f" });
      const a = await createTestFile({ actor, name: "a.bin", parentId: folder.id, content: Buffer.alloc(30) });
      await createTestFile({ actor, name: "b.bin", parentId: folder.id, content: Buffer.alloc(30) });
      const root = (await drive.list({})).folder.id;
      const err = await rejectionOf(drive.copy({ nodeIds: [folder.id], targetId: root }));
      expect(err.code).toBe("PAYLOAD_TOO_LARGE");
      expect(err.message).toContain("this file needs 60 B");
      expect(await names(actor)).toEqual(["f"]);
      expect(await usedBytes(actor)).toBe(60n);
      expect(await refCountOf(a.id)).toBe(2); // a and b have the same bytes
      await drive.copy({ nodeIds: [a.id], targetId: root });
      expect(await usedBytes(actor)).toBe(90n);
      expect(await refCountOf(a.id)).toBe(3);
    });
  });

  it("copies from a folder shared with the caller into their own drive, charged to them", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const shared = await callerFor(bob.actor).drive.createFolder({ name: "shared" });
    const file = await createTestFile({ actor: bob.actor, name: "plan.txt", parentId: shared.id, content: "plan" });
    const aliceRoot = (await callerFor(alice.actor).drive.list({})).folder.id;
    expect(await rejectionOf(callerFor(alice.actor).drive.copy({ nodeIds: [file.id], targetId: aliceRoot }))).toEqual(NOT_FOUND);
    await t.prisma.grant.create({ data: { nodeId: shared.id, granteeId: alice.user.id, createdById: bob.user.id, role: "VIEWER" } });
    const [copy] = await callerFor(alice.actor).drive.copy({ nodeIds: [file.id], targetId: aliceRoot });
    expect(copy!.name).toBe("plan.txt");
    expect(await usedBytes(alice.actor)).toBe(4n);
    expect(await usedBytes(bob.actor)).toBe(4n);
    // and the other way round: bob cannot copy into alice's drive
    expect(await rejectionOf(callerFor(bob.actor).drive.copy({ nodeIds: [file.id], targetId: aliceRoot }))).toEqual(NOT_FOUND);
  });
});

describe("trash", () => {
  it("trashes a folder with everything below it; the names are free again; bytes stay charged", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const folder = await drive.createFolder({ name: "old" });
    const sub = await drive.createFolder({ name: "sub", parentId: folder.id });
    const file = await createTestFile({ actor, name: "f.txt", parentId: sub.id, content: "12345" });
    const used = await usedBytes(actor);
    expect(await drive.trash({ nodeIds: [folder.id, file.id] })).toEqual({ trashed: 3 });
    expect(await names(actor)).toEqual([]);
    const rows = await t.prisma.node.findMany({ where: { id: { in: [folder.id, sub.id, file.id] } } });
    for (const r of rows) expect(r).toMatchObject({ trashRootId: folder.id, liveName: null, trashedAt: expect.any(Date) });
    expect(rows.find((r) => r.id === folder.id)!.originalParentId).toBe((await drive.list({})).folder.id);
    expect(rows.find((r) => r.id === file.id)!.originalParentId).toBeNull();
    expect(await usedBytes(actor)).toBe(used);
    expect((await drive.createFolder({ name: "old" })).name).toBe("old");
    // a trashed node is gone for every other operation
    expect(await rejectionOf(drive.list({ folderId: sub.id }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(drive.rename({ nodeId: file.id, name: "g.txt" }))).toEqual(NOT_FOUND);
  });

  it("answers another user's node like a random id and trashes nothing of theirs", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const file = await createTestFile({ actor: alice.actor, name: "keep.txt" });
    expect(await rejectionOf(callerFor(bob.actor).drive.trash({ nodeIds: [file.id] }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(callerFor(bob.actor).drive.trash({ nodeIds: [randomUUID()] }))).toEqual(NOT_FOUND);
    expect(await names(alice.actor)).toEqual(["keep.txt"]);
  });
});
