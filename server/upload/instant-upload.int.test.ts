import { createHash, randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { pickRanges } from "@/server/upload/instant-upload.service";

const t = useTestDatabase();
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const answer = (content: Buffer, ranges: { start: number; end: number }[]) => ranges.map((r) => sha(content.subarray(r.start, r.end + 1)));

describe("instant upload (秒传) with proof of possession", () => {
  test("content the caller already stores is added again without a transfer; blob shared, quota charged", async () => {
    const bob = await createTestUser();
    const content = randomBytes(300 * 1024);
    const archive = await callerFor(bob.actor).drive.createFolder({ name: "Archive" });
    await createTestFile({ actor: bob.actor, parentId: archive.id, name: "dataset.bin", content });
    const bobRoot = (await callerFor(bob.actor).drive.list({})).folder.id;

    const prep = await callerFor(bob.actor).upload.instantPrepare({ parentId: bobRoot, filename: "copy.bin", size: content.length, sha256: sha(content) });
    expect(prep.kind).toBe("challenge");
    if (prep.kind !== "challenge") return;
    expect(prep.ranges).toHaveLength(3);
    const node = await callerFor(bob.actor).upload.instantCommit({ challenge: prep.challenge, answers: answer(content, prep.ranges) });
    expect(node).toMatchObject({ name: "copy.bin", size: content.length, kind: "FILE" });

    const blobs = await t.prisma.blob.findMany({ where: { sha256: sha(content) } });
    expect(blobs).toHaveLength(1);
    expect(blobs[0]!.refCount).toBe(2);
    expect((await callerFor(bob.actor).auth.me()).usedBytes).toBe(2 * content.length);
  });

  test("content held only by another account answers exactly like unknown content (no existence oracle)", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const content = randomBytes(90 * 1024);
    await createTestFile({ actor: alice.actor, name: "private.bin", content });
    const bobRoot = (await callerFor(bob.actor).drive.list({})).folder.id;
    const api = callerFor(bob.actor).upload;
    const held = await api.instantPrepare({ parentId: bobRoot, filename: "p.bin", size: content.length, sha256: sha(content) });
    const unknown = await api.instantPrepare({ parentId: bobRoot, filename: "p.bin", size: content.length, sha256: sha(randomBytes(90 * 1024)) });
    expect(held).toEqual({ kind: "upload" });
    expect(held).toEqual(unknown);

    // Once Alice shares a folder holding it, Bob can read it, so the shortcut is his too.
    const shared = await callerFor(alice.actor).drive.createFolder({ name: "Shared" });
    await createTestFile({ actor: alice.actor, parentId: shared.id, name: "copy.bin", content });
    await callerFor(alice.actor).share.grant({ nodeId: shared.id, email: bob.user.email, role: "VIEWER" });
    expect((await api.instantPrepare({ parentId: bobRoot, filename: "p.bin", size: content.length, sha256: sha(content) })).kind).toBe("challenge");
  });

  test("a leaked hash alone yields nothing: wrong answers are refused, then rate limited", async () => {
    const alice = await createTestUser();
    const mallory = await createTestUser();
    const content = randomBytes(200 * 1024);
    await createTestFile({ actor: alice.actor, name: "secret.bin", content });
    // A hash she only read somewhere gets no challenge at all; share the folder, and it does.
    const malloryRoot = (await callerFor(mallory.actor).drive.list({})).folder.id;
    expect((await callerFor(mallory.actor).upload.instantPrepare({ parentId: malloryRoot, filename: "g.bin", size: content.length, sha256: sha(content) })).kind).toBe("upload");
    const aliceRoot = (await callerFor(alice.actor).drive.list({})).folder.id;
    const box = await callerFor(alice.actor).drive.createFolder({ parentId: aliceRoot, name: "Box" });
    await createTestFile({ actor: alice.actor, parentId: box.id, name: "secret-copy.bin", content });
    await callerFor(alice.actor).share.grant({ nodeId: box.id, email: mallory.user.email, role: "VIEWER" });
    const root = (await callerFor(mallory.actor).drive.list({})).folder.id;
    const api = callerFor(mallory.actor);

    let refused = 0;
    let limited: unknown = null;
    for (let i = 0; i < 12; i++) {
      const prep = await api.upload.instantPrepare({ parentId: root, filename: `guess-${i}.bin`, size: content.length, sha256: sha(content) });
      if (prep.kind !== "challenge") throw new Error("expected a challenge");
      // Mallory knows the whole-file hash but not the bytes: the best she can send is a guess.
      const guess = prep.ranges.map(() => sha(randomBytes(16)));
      try {
        await api.upload.instantCommit({ challenge: prep.challenge, answers: guess });
      } catch (e) {
        if ((e as { code?: string }).code === "TOO_MANY_REQUESTS") {
          limited = e;
          break;
        }
        expect((e as Error).message).toMatch(/could not be verified/);
        refused++;
      }
    }
    expect(refused).toBe(10);
    expect((limited as Error).message).toMatch(/Too many attempts/);
    expect(await t.prisma.node.count({ where: { ownerId: mallory.user.id, kind: "FILE" } })).toBe(0);
  });

  test("a challenge is bound to its user and cannot be tampered with", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const content = randomBytes(100 * 1024);
    await createTestFile({ actor: alice.actor, name: "a.bin", content });
    const aliceRoot = (await callerFor(alice.actor).drive.list({})).folder.id;
    const prep = await callerFor(alice.actor).upload.instantPrepare({ parentId: aliceRoot, filename: "b.bin", size: content.length, sha256: sha(content) });
    if (prep.kind !== "challenge") throw new Error("expected a challenge");
    await expect(callerFor(bob.actor).upload.instantCommit({ challenge: prep.challenge, answers: answer(content, prep.ranges) })).rejects.toThrow(/took too long/);
    const [body, sig] = prep.challenge.split(".");
    const forged = Buffer.from(body!, "base64url").toString().replace(/"r":\[.*?\]\]?/, '"r":[{"start":0,"end":0}]');
    await expect(
      callerFor(alice.actor).upload.instantCommit({ challenge: `${Buffer.from(forged).toString("base64url")}.${sig}`, answers: [sha(content.subarray(0, 1))] }),
    ).rejects.toThrow(/took too long/);
  });

  test("unknown content, another size, or another user's folder: no shortcut", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const content = randomBytes(70 * 1024);
    await createTestFile({ actor: alice.actor, name: "x.bin", content });
    const aliceRoot = (await callerFor(alice.actor).drive.list({})).folder.id;
    const api = callerFor(alice.actor);
    expect((await api.upload.instantPrepare({ parentId: aliceRoot, filename: "y", size: 5, sha256: sha(Buffer.from("never stored")) })).kind).toBe("upload");
    expect((await api.upload.instantPrepare({ parentId: aliceRoot, filename: "y", size: content.length + 1, sha256: sha(content) })).kind).toBe("upload");
    await expect(callerFor(bob.actor).upload.instantPrepare({ parentId: aliceRoot, filename: "y", size: content.length, sha256: sha(content) })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  test("the quota still applies", async () => {
    const alice = await createTestUser();
    const content = randomBytes(80 * 1024);
    await createTestFile({ actor: alice.actor, name: "q.bin", content });
    await t.prisma.user.update({ where: { id: alice.user.id }, data: { quotaBytes: BigInt(content.length + 1000) } });
    const root = (await callerFor(alice.actor).drive.list({})).folder.id;
    const prep = await callerFor(alice.actor).upload.instantPrepare({ parentId: root, filename: "q2.bin", size: content.length, sha256: sha(content) });
    if (prep.kind !== "challenge") throw new Error("expected a challenge");
    await expect(callerFor(alice.actor).upload.instantCommit({ challenge: prep.challenge, answers: answer(content, prep.ranges) })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
  });
});

test("ranges stay inside the file; small files are asked for whole", () => {
  expect(pickRanges(10)).toEqual([{ start: 0, end: 9 }]);
  for (let i = 0; i < 50; i++) {
    for (const r of pickRanges(1_000_000)) {
      expect(r.start).toBeGreaterThanOrEqual(0);
      expect(r.end).toBeLessThan(1_000_000);
      expect(r.end - r.start + 1).toBe(64 * 1024);
    }
  }
});
