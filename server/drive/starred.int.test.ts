import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { NOT_FOUND, rejectionOf } from "@/server/test/rejection";
import { useTestDatabase } from "@/server/test/test-db";

const t = useTestDatabase();

describe("starred", () => {
  it("stars and unstars, lists most recently starred first with paths, hides trashed nodes", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const folder = await drive.createFolder({ name: "项目" });
    const a = await createTestFile({ actor, name: "a.txt", parentId: folder.id });
    const b = await createTestFile({ actor, name: "b.txt" });
    await drive.star({ nodeId: a.id });
    await drive.star({ nodeId: folder.id });
    await drive.star({ nodeId: b.id });
    await drive.star({ nodeId: b.id }); // twice is fine
    const listed = await drive.starred({});
    expect(listed.items.map((i) => i.name)).toEqual(["b.txt", "项目", "a.txt"]);
    expect(listed.items[2]!.path.map((c) => c.name)).toEqual(["", "项目"]);

    await drive.unstar({ nodeId: b.id });
    await drive.unstar({ nodeId: b.id });
    await drive.trash({ nodeIds: [folder.id] });
    expect((await drive.starred({})).items).toEqual([]);
    await drive.restore({ nodeIds: [folder.id] });
    expect((await drive.starred({})).items.map((i) => i.name)).toEqual(["项目", "a.txt"]);
    const page1 = await drive.starred({ limit: 1 });
    const page2 = await drive.starred({ limit: 1, cursor: page1.nextCursor });
    expect([...page1.items, ...page2.items].map((i) => i.name)).toEqual(["项目", "a.txt"]);
  });

  it("refuses to star another user's node like a random id; stars are per user", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const file = await createTestFile({ actor: alice.actor, name: "a.txt" });
    expect(await rejectionOf(callerFor(bob.actor).drive.star({ nodeId: file.id }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(callerFor(bob.actor).drive.star({ nodeId: randomUUID() }))).toEqual(NOT_FOUND);
    await callerFor(alice.actor).drive.star({ nodeId: file.id });
    await callerFor(bob.actor).drive.unstar({ nodeId: file.id });
    expect(await t.prisma.star.count({ where: { nodeId: file.id } })).toBe(1);
    expect((await callerFor(bob.actor).drive.starred({})).items).toEqual([]);
  });
});

describe("recent", () => {
  it("lists the caller's own live files, most recently changed first", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const drive = callerFor(alice.actor).drive;
    await drive.createFolder({ name: "folders are not listed" });
    const one = await createTestFile({ actor: alice.actor, name: "one.txt" });
    const two = await createTestFile({ actor: alice.actor, name: "two.txt" });
    const three = await createTestFile({ actor: alice.actor, name: "three.txt" });
    await createTestFile({ actor: bob.actor, name: "bob.txt" });
    await drive.trash({ nodeIds: [two.id] });
    await createTestFile({ actor: alice.actor, name: "one.txt", content: "new version" });
    const recent = await drive.recent({});
    expect(recent.items.map((i) => i.name)).toEqual(["one.txt", "three.txt"]);
    expect(recent.items.map((i) => i.id)).toEqual([one.id, three.id]);
    expect(recent.items[0]!.path).toHaveLength(1);
    const page1 = await drive.recent({ limit: 1 });
    expect((await drive.recent({ limit: 1, cursor: page1.nextCursor })).items.map((i) => i.name)).toEqual(["three.txt"]);
  });
});
