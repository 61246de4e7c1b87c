import { describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { useTestDatabase } from "@/server/test/test-db";
import { rejectionOf } from "@/server/test/rejection";
import { appendChange } from "@/server/events/change-log";
import { pruneChangeLog } from "@/server/changes/change-feed.service";
import type { Actor } from "@/server/auth/actor";
import { AppError } from "@/server/errors/app-error";

const t = useTestDatabase();

async function kindsSince(actor: Actor, cursor: string) {
  const page = await callerFor(actor).changes.list({ cursor, limit: 1000 });
  return page.changes.map((c) => c.kind);
}

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe("change log", () => {
  it("appends one event per mutation kind, in the change's transaction, visible to the owner only", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const api = callerFor(owner.actor);
    const { cursor } = await api.changes.cursor();
    const otherStart = (await callerFor(other.actor).changes.cursor()).cursor;

    const folder = await api.drive.createFolder({ name: "Docs" });
    const file = await createTestFile({ actor: owner.actor, parentId: folder.id, name: "a.txt", content: "one" });
    await createTestFile({ actor: owner.actor, parentId: folder.id, name: "a.txt", content: "two" });
    const versions = await api.drive.versions({ nodeId: file.id });
    await api.drive.restoreVersion({ nodeId: file.id, versionId: versions.at(-1)!.id });
    await api.drive.rename({ nodeId: file.id, name: "b.txt" });
    const sub = await api.drive.createFolder({ name: "Sub" });
    await api.drive.move({ nodeIds: [file.id], targetId: sub.id });
    await api.drive.copy({ nodeIds: [file.id], targetId: folder.id });
    await api.drive.trash({ nodeIds: [file.id] });
    await api.drive.restore({ nodeIds: [file.id] });
    await api.drive.trash({ nodeIds: [file.id] });
    await api.drive.purge({ nodeIds: [file.id] });
    const grant = await api.share.grant({ nodeId: folder.id, email: other.user.email, role: "VIEWER" });
    await api.share.revokeGrant({ grantId: grant.id });

    expect(await kindsSince(owner.actor, cursor)).toEqual([
      "folder.created",
      "file.uploaded",
      "file.versioned",
      "version.restored",
      "node.renamed",
      "folder.created",
      "node.moved",
      "node.copied",
      "node.trashed",
      "node.restored",
      "node.trashed",
      "node.purged",
      "grant.added",
      "grant.removed",
    ]);
    const renamed = (await api.changes.list({ cursor })).changes.find((c) => c.kind === "node.renamed")!;
    expect(renamed).toMatchObject({ nodeId: file.id, oldName: "a.txt", newName: "b.txt", oldParentId: folder.id, newParentId: folder.id, actorId: owner.user.id });
    // Another user sees only the grant events about them, nothing of the drive itself.
    expect(await kindsSince(other.actor, otherStart)).toEqual(["grant.added", "grant.removed"]);
  });

  it("a rolled-back change leaves no event", async () => {
    const owner = await createTestUser();
    const api = callerFor(owner.actor);
    const { cursor } = await api.changes.cursor();
    await api.drive.createFolder({ name: "Taken" });
    // The second folder of that name fails on the unique index after... nothing is appended.
    await rejectionOf(api.drive.createFolder({ name: "Taken" }));
    await expect(
      t.prisma.$transaction(async (tx) => {
        await appendChange(tx, { kind: "folder.created", nodeId: "x", nodeKind: "FOLDER", ownerId: owner.user.id });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await kindsSince(owner.actor, cursor)).toEqual(["folder.created"]);
  });

  it("a grantee sees changes inside the shared folder until the grant is removed, then none", async () => {
    const owner = await createTestUser();
    const mate = await createTestUser();
    const api = callerFor(owner.actor);
    const shared = await api.drive.createFolder({ name: "Shared" });
    const priv = await api.drive.createFolder({ name: "Private" });
    const start = (await callerFor(mate.actor).changes.cursor()).cursor;
    const grant = await api.share.grant({ nodeId: shared.id, email: mate.user.email, role: "EDITOR" });
    await createTestFile({ actor: owner.actor, parentId: shared.id, name: "in.txt" });
    await createTestFile({ actor: owner.actor, parentId: priv.id, name: "out.txt" });
    const page = await callerFor(mate.actor).changes.list({ cursor: start });
    expect(page.changes.map((c) => [c.kind, c.newName])).toEqual([
      ["grant.added", "Shared"],
      ["file.uploaded", "in.txt"],
    ]);
    await api.share.revokeGrant({ grantId: grant.id });
    const after = (await callerFor(mate.actor).changes.cursor()).cursor;
    await createTestFile({ actor: owner.actor, parentId: shared.id, name: "later.txt" });
    expect(await kindsSince(mate.actor, page.cursor)).toEqual(["grant.removed"]);
    expect(await kindsSince(mate.actor, after)).toEqual([]);
    // A foreign folder filter answers like a missing one.
    expect((await rejectionOf(callerFor(mate.actor).changes.list({ cursor: after, folderId: shared.id }))).code).toBe("NOT_FOUND");
  });

  it("a cursor older than the pruned part of the log is told to reset (en and zh)", async () => {
    const owner = await createTestUser();
    const api = callerFor(owner.actor);
    const { cursor } = await api.changes.cursor();
    await api.drive.createFolder({ name: "Old" });
    const mid = (await api.changes.cursor()).cursor;
    await pruneChangeLog({ now: new Date(Date.now() + 2 * 86_400_000), keepDays: 1 });
    const en = await rejectionOf(api.changes.list({ cursor }));
    expect(en.code).toBe("NOT_FOUND");
    expect(en.message).toMatch(/older than the oldest change kept/);
    // The long poll too; the typed cause carries the Chinese text the error formatter sends.
    const cause = await callerFor(owner.actor, "zh").changes.wait({ cursor, timeoutS: 1 }).catch((e: { cause?: AppError }) => e.cause);
    expect(cause).toBeInstanceOf(AppError);
    expect((cause as AppError).code).toBe("GONE");
    expect((cause as AppError).localized("zh")).toMatch(/游标/);
    // The newest cursor is still good.
    expect((await api.changes.list({ cursor: mid })).changes).toEqual([]);
  });

  it("changes.wait wakes on a visible change and times out on an invisible one", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const { cursor } = await callerFor(owner.actor).changes.cursor();
    const waiting = callerFor(owner.actor).changes.wait({ cursor, timeoutS: 60 });
    const otherWait = callerFor(other.actor).changes.wait({ cursor, timeoutS: 2 });
    await new Promise((r) => setTimeout(r, 200));
    await callerFor(owner.actor).drive.createFolder({ name: "Wake" });
    expect(await waiting).toEqual({ changes: true });
    expect(await otherWait).toEqual({ changes: false });
  });

  it("applying changes.list from the first cursor to an empty map gives exactly the final tree (seeded random ops)", async () => {
    const owner = await createTestUser();
    const api = callerFor(owner.actor);
    const root = await t.prisma.node.findUniqueOrThrow({ where: { rootOwnerId: owner.user.id } });
    const { cursor: first } = await api.changes.cursor();
    const random = rng(20261205);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    const OPS = Number(process.env.CHANGE_LOG_OPS ?? 500);
    for (let i = 0; i < OPS; i++) {
      const live = await t.prisma.node.findMany({ where: { ownerId: owner.user.id, trashedAt: null, rootOwnerId: null } });
      const folders = [root, ...live.filter((n) => n.kind === "FOLDER")];
      const trashed = await t.prisma.node.findMany({ where: { ownerId: owner.user.id, trashedAt: { not: null } }, select: { id: true, trashRootId: true } });
      const roll = random();
      const name = `n${Math.floor(random() * 40)}`;
      const op =
        roll < 0.2 ? () => api.drive.createFolder({ parentId: pick(folders).id, name })
        : roll < 0.4 ? () => createTestFile({ actor: owner.actor, parentId: pick(folders).id, name: `${name}.txt`, content: String(i) })
        : roll < 0.5 && live.length ? () => api.drive.rename({ nodeId: pick(live).id, name })
        : roll < 0.62 && live.length ? () => api.drive.move({ nodeIds: [pick(live).id], targetId: pick(folders).id })
        : roll < 0.7 && live.length ? () => api.drive.copy({ nodeIds: [pick(live).id], targetId: pick(folders).id })
        : roll < 0.82 && live.length ? () => api.drive.trash({ nodeIds: [pick(live).id] })
        : roll < 0.92 && trashed.some((n) => n.trashRootId === n.id) ? () => api.drive.restore({ nodeIds: [pick(trashed.filter((n) => n.trashRootId === n.id)).id] })
        : trashed.some((n) => n.trashRootId === n.id) ? () => api.drive.purge({ nodeIds: [pick(trashed.filter((n) => n.trashRootId === n.id)).id] })
        : () => api.drive.createFolder({ parentId: root.id, name });
      await op().catch(() => {}); // name clashes and moves into itself are refused, as for a user
    }

    // The client: a map id → {parent, name}; a trashed or purged folder takes its contents along.
    const tree = new Map<string, { parentId: string | null; name: string }>();
    const dropSubtree = (id: string) => {
      tree.delete(id);
      for (const [k, v] of tree) if (v.parentId === id) dropSubtree(k);
    };
    let cursor = first;
    for (;;) {
      const page = await api.changes.list({ cursor, limit: 97 });
      for (const c of page.changes) {
        if (c.kind === "node.trashed" || c.kind === "node.purged") dropSubtree(c.nodeId);
        else if (c.newParentId && c.newName) tree.set(c.nodeId, { parentId: c.newParentId, name: c.newName });
      }
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const final = await t.prisma.node.findMany({ where: { ownerId: owner.user.id, trashedAt: null, rootOwnerId: null } });
    expect(final.length).toBeGreaterThan(10);
    expect(new Map([...tree].sort())).toEqual(new Map(final.map((n) => [n.id, { parentId: n.parentId, name: n.name }] as const).sort()));
  }, 600_000); // 500 operations: minutes on a busy 2-core machine
});
