import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { useTestDatabase } from "@/server/test/test-db";

const t = useTestDatabase();

async function rejectionOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

const NOT_FOUND = { code: "NOT_FOUND", message: "This file or folder does not exist, or you do not have access to it." };

describe("folders", () => {
  it("gives every account one root folder, listed when no folder id is given", async () => {
    const { user, actor } = await createTestUser();
    const roots = await t.prisma.node.findMany({ where: { rootOwnerId: user.id } });
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ ownerId: user.id, kind: "FOLDER", parentId: null, liveName: null });

    const listed = await callerFor(actor).drive.list({});
    expect(listed.folder).toEqual({ id: roots[0]!.id, name: "", isRoot: true });
    expect(listed.breadcrumbs).toEqual([{ id: roots[0]!.id, name: "", isRoot: true }]);
    expect(listed.items).toEqual([]);
    expect(listed.nextCursor).toBeNull();
  });

  it("lists folders first, each group sorted by name, with breadcrumbs down to the folder", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    await createTestFile({ actor, name: "aaa.txt", content: "hello" });
    const zeta = await drive.createFolder({ name: "zeta" });
    const alpha = await drive.createFolder({ name: "alpha" });
    const mid = await drive.createFolder({ name: "mid" });
    await createTestFile({ actor, name: "b.bin", content: "bytes" });
    expect(zeta).toMatchObject({ kind: "FOLDER", name: "zeta", size: 0, mimeType: null });

    const root = await drive.list({});
    expect(root.items.map((i) => [i.kind, i.name])).toEqual([
      ["FOLDER", "alpha"],
      ["FOLDER", "mid"],
      ["FOLDER", "zeta"],
      ["FILE", "aaa.txt"],
      ["FILE", "b.bin"],
    ]);
    expect(root.items.find((i) => i.name === "aaa.txt")).toMatchObject({ size: 5, mimeType: "text/plain" });
    expect(root.items.map((i) => i.id).slice(0, 3)).toEqual([alpha.id, mid.id, zeta.id]);

    const inner = await drive.createFolder({ parentId: alpha.id, name: "inner" });
    const deepest = await drive.createFolder({ parentId: inner.id, name: "deepest" });
    const listed = await drive.list({ folderId: deepest.id });
    expect(listed.folder).toEqual({ id: deepest.id, name: "deepest", isRoot: false });
    expect(listed.breadcrumbs).toEqual([
      { id: root.folder.id, name: "", isRoot: true },
      { id: alpha.id, name: "alpha", isRoot: false },
      { id: inner.id, name: "inner", isRoot: false },
      { id: deepest.id, name: "deepest", isRoot: false },
    ]);
    expect((await drive.list({ folderId: alpha.id })).items.map((i) => i.name)).toEqual(["inner"]);
  });

  it("refuses to list a file as a folder", async () => {
    const { actor } = await createTestUser();
    const file = await createTestFile({ actor, name: "notes.md" });
    const err = await rejectionOf(callerFor(actor).drive.list({ folderId: file.id }));
    expect(err).toMatchObject({ code: "BAD_REQUEST", message: "The destination is not a folder." });
    const err2 = await rejectionOf(callerFor(actor).drive.createFolder({ parentId: file.id, name: "x" }));
    expect(err2.code).toBe("BAD_REQUEST");
  });
});

describe("names", () => {
  it.each([
    ["a slash", "a/b"],
    ["..", ".."],
    [".", "."],
    ["a leading space", " leading"],
    ["a trailing space", "trailing "],
    ["a control character", "tab\there"],
    ["an empty name", ""],
    ["256 ASCII bytes", "x".repeat(256)],
    ["256 UTF-8 bytes in 128 characters", "é".repeat(128)],
  ])("rejects %s", async (_label, name) => {
    const { actor } = await createTestUser();
    const err = await rejectionOf(callerFor(actor).drive.createFolder({ name }));
    expect(err.code).toBe("BAD_REQUEST");
    expect((await callerFor(actor).drive.list({})).items).toEqual([]);
  });

  it("accepts 255 bytes, dots inside a name and Chinese", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    for (const name of ["x".repeat(255), "..hidden", "报告 2026", "a.b.c"]) {
      expect((await drive.createFolder({ name })).name).toBe(name);
    }
    expect((await drive.list({})).items).toHaveLength(4);
  });

  it("refuses a duplicate name in one folder with a message naming it, but allows it elsewhere", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const first = await drive.createFolder({ name: "Projects" });
    const err = await rejectionOf(drive.createFolder({ name: "Projects" }));
    expect(err).toMatchObject({ code: "CONFLICT", message: "“Projects” already exists in this folder." });
    const nested = await drive.createFolder({ parentId: first.id, name: "Projects" });
    expect(nested.name).toBe("Projects");
    expect((await drive.list({})).items.map((i) => i.name)).toEqual(["Projects"]);
  });

  it("compares names after NFC: a decomposed é clashes with the composed one", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const composed = "caf\u00e9";
    const decomposed = "cafe\u0301";
    expect(composed).not.toBe(decomposed);
    const created = await drive.createFolder({ name: decomposed });
    expect(created.name).toBe(composed);
    const err = await rejectionOf(drive.createFolder({ name: composed }));
    expect(err).toMatchObject({ code: "CONFLICT", message: `“${composed}” already exists in this folder.` });
    expect(await t.prisma.node.count({ where: { ownerId: actor.userId, name: decomposed } })).toBe(0);
  });
});

describe("access", () => {
  it("answers another user's folder exactly like a random id, for list and createFolder", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const aliceFolder = await callerFor(alice.actor).drive.createFolder({ name: "private" });
    const aliceRoot = (await callerFor(alice.actor).drive.list({})).folder.id;
    const bobDrive = callerFor(bob.actor).drive;

    const random = await rejectionOf(bobDrive.list({ folderId: randomUUID() }));
    expect({ code: random.code, message: random.message }).toEqual(NOT_FOUND);
    for (const folderId of [aliceFolder.id, aliceRoot]) {
      const listed = await rejectionOf(bobDrive.list({ folderId }));
      expect({ code: listed.code, message: listed.message }).toEqual(NOT_FOUND);
      const created = await rejectionOf(bobDrive.createFolder({ parentId: folderId, name: "intruder" }));
      expect({ code: created.code, message: created.message }).toEqual(NOT_FOUND);
    }
    const randomCreate = await rejectionOf(bobDrive.createFolder({ parentId: randomUUID(), name: "intruder" }));
    expect({ code: randomCreate.code, message: randomCreate.message }).toEqual(NOT_FOUND);
    expect(await t.prisma.node.count({ where: { name: "intruder" } })).toBe(0);
  });

  it("is UNAUTHORIZED without a session", async () => {
    const anonymous = callerFor(null).drive;
    expect((await rejectionOf(anonymous.list({}))).code).toBe("UNAUTHORIZED");
    expect((await rejectionOf(anonymous.createFolder({ name: "x" }))).code).toBe("UNAUTHORIZED");
  });
});

describe("pagination", () => {
  it("returns each of 450 entries exactly once, in order, over pages of 200", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const parent = await drive.createFolder({ name: "many" });
    // 390 folders and 60 files, created out of order, so a page boundary falls inside the folders
    // and the folder/file boundary inside a page.
    const folderNames = Array.from({ length: 390 }, (_, i) => `n-${String(i).padStart(3, "0")}`);
    const fileNames = Array.from({ length: 60 }, (_, i) => `f-${String(i).padStart(3, "0")}.bin`);
    const shuffle = (xs: string[]) => xs.map((x, i) => [x, (i * 7919) % xs.length] as const).sort((a, b) => a[1] - b[1]).map(([x]) => x);
    for (const name of shuffle(folderNames)) await drive.createFolder({ parentId: parent.id, name });
    for (const name of shuffle(fileNames)) await createTestFile({ actor, parentId: parent.id, name, content: name });

    const pages: { names: string[]; ids: string[] }[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof drive.list>> = await drive.list({ folderId: parent.id, limit: 200, cursor });
      pages.push({ names: page.items.map((i) => i.name), ids: page.items.map((i) => i.id) });
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);

    expect(pages.map((p) => p.names.length)).toEqual([200, 200, 50]);
    const names = pages.flatMap((p) => p.names);
    expect(names).toEqual([...folderNames, ...fileNames]);
    const ids = pages.flatMap((p) => p.ids);
    expect(new Set(ids).size).toBe(450);
    const all = await t.prisma.node.findMany({ where: { parentId: parent.id }, select: { id: true } });
    expect(new Set(ids)).toEqual(new Set(all.map((n) => n.id)));
  });
});
