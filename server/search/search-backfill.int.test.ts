import { describe, expect, it } from "vitest";
import { runAdminCommand } from "@/server/admin/admin-commands";
import { drainQueue } from "@/server/jobs/queue";
import { SEARCH_BACKFILL_JOB } from "@/server/jobs/search-index-queue";
import { backfillSearchBatch, searchIndexCounts, startSearchBackfill } from "@/server/search/search-index.service";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { rejectionOf } from "@/server/test/rejection";
import { useTestDatabase } from "@/server/test/test-db";

const t = useTestDatabase();

/** As if the files had been stored before content search existed: no rows, no queued index jobs. */
async function forgetIndex() {
  await t.prisma.searchText.deleteMany({});
  await t.prisma.queuedJob.deleteMany({ where: { kind: { startsWith: "search." } } });
}

describe("content index backfill", () => {
  it("indexes files stored before content search, in batches, resuming after the last batch", async () => {
    const { actor } = await createTestUser();
    for (let i = 0; i < 5; i++) await createTestFile({ actor, name: `old-${i}.txt`, content: `旧文件 archive number${i}` });
    await createTestFile({ actor, name: "photo.jpg", content: Buffer.from([0xff, 0xd8, 0xff]), mimeType: "image/jpeg" });
    await drainQueue();
    await forgetIndex();
    expect(await searchIndexCounts()).toMatchObject({ indexed: 0, pending: 6 });
    expect((await callerFor(actor).search.content({ query: "旧文件" })).items).toEqual([]);

    const first = await backfillSearchBatch({ after: null, batch: 2 });
    expect(first).toMatchObject({ indexed: 2, failed: 0, done: false });
    expect(await t.prisma.searchText.count()).toBe(2);
    // The next batch waits in the queue (in the database): a restart picks it up there.
    const next = await t.prisma.queuedJob.findFirstOrThrow({ where: { kind: SEARCH_BACKFILL_JOB, status: "QUEUED" } });
    expect(next.payload).toEqual({ after: first.after });
    await drainQueue();
    expect(await searchIndexCounts()).toMatchObject({ indexed: 5, skipped: 1, pending: 0, unreadable: 0 });
    expect((await callerFor(actor).search.content({ query: "旧文件" })).items).toHaveLength(5);
    // With nothing pending the hourly check queues nothing.
    expect(await startSearchBackfill()).toEqual({ pending: 0 });
    expect(await t.prisma.queuedJob.count({ where: { kind: SEARCH_BACKFILL_JOB, status: "QUEUED" } })).toBe(0);
  });

  it("the hourly check starts a pass when files are pending", async () => {
    const { actor } = await createTestUser();
    await createTestFile({ actor, name: "later.md", content: "pending notes" });
    await forgetIndex();
    expect((await startSearchBackfill()).pending).toBeGreaterThan(0);
    expect(await t.prisma.queuedJob.count({ where: { kind: SEARCH_BACKFILL_JOB, status: "QUEUED" } })).toBe(1);
    await drainQueue();
    expect((await searchIndexCounts()).pending).toBe(0);
    expect((await callerFor(actor).search.content({ query: "notes" })).items.map((i) => i.name)).toEqual(["later.md"]);
  });

  it("copies are indexed by a backfill pass the copy queues", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const from = await drive.createFolder({ name: "源" });
    const to = await drive.createFolder({ name: "副本" });
    await createTestFile({ actor, name: "plan.txt", content: "复制的计划书 blueprint", parentId: from.id });
    await drainQueue();
    await drive.copy({ nodeIds: [from.id], targetId: to.id });
    expect(await t.prisma.queuedJob.count({ where: { kind: SEARCH_BACKFILL_JOB, status: "QUEUED" } })).toBe(1);
    await drainQueue();
    const hits = await callerFor(actor).search.content({ query: "计划书" });
    expect(hits.items.map((i) => i.path.map((c) => c.name).slice(-2).join("/")).sort()).toEqual(["/源", "副本/源"]); // the root crumb has no name (the browser shows "My Drive")
  });

  it("`reindex --email` reads one user's files again; `reindex` everyone's; admins only over tRPC", async () => {
    const { actor: a, user: userA } = await createTestUser();
    const { actor: b } = await createTestUser();
    await createTestFile({ actor: a, name: "a.txt", content: "alpha 文档" });
    await createTestFile({ actor: b, name: "b.txt", content: "beta 文档" });
    await drainQueue();
    const before = await t.prisma.searchText.findMany({ select: { nodeId: true, indexedAt: true, node: { select: { ownerId: true } } } });
    expect(await runAdminCommand("reindex", { email: userA.email })).toEqual({ cleared: before.filter((r) => r.node.ownerId === a.userId).length, email: userA.email });
    expect(await t.prisma.searchText.count({ where: { node: { ownerId: a.userId } } })).toBe(0);
    expect(await t.prisma.searchText.count({ where: { node: { ownerId: b.userId } } })).toBe(1);
    await drainQueue();
    expect((await callerFor(a).search.content({ query: "alpha" })).items).toHaveLength(1);
    const rows = await t.prisma.searchText.count();
    expect(await runAdminCommand("reindex", {})).toEqual({ cleared: rows, email: null });
    expect(await t.prisma.searchText.count()).toBe(0);
    await drainQueue();
    expect((await searchIndexCounts()).pending).toBe(0);
    await expect(runAdminCommand("reindex", { email: "nobody@example.com" })).rejects.toThrow("There is no account with this email.");
    expect(await rejectionOf(callerFor(a).search.reindex({}))).toMatchObject({ code: "FORBIDDEN" });
    const { actor: admin } = await createTestUser({ role: "ADMIN" });
    expect(await callerFor(admin).search.reindex({ email: userA.email.toUpperCase() })).toMatchObject({ email: userA.email });
  });
});
