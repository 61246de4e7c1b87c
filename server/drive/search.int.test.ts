import { describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { rejectionOf } from "@/server/test/rejection";
import { useTestDatabase } from "@/server/test/test-db";
import type { Actor } from "@/server/auth/actor";

const t = useTestDatabase();

const search = async (actor: Actor, query: string, kind?: "folder" | "image" | "video" | "audio" | "document" | "archive") =>
  (await callerFor(actor).drive.search({ query, kind })).items.map((i) => i.name).sort();

describe("search", () => {
  it("finds part of a Chinese name with one, two, three and more characters", async () => {
    const { actor } = await createTestUser();
    await createTestFile({ actor, name: "季度报告2026.xlsx" });
    await createTestFile({ actor, name: "年度总结.docx" });
    await createTestFile({ actor, name: "报表.csv" });
    expect(await search(actor, "报告")).toEqual(["季度报告2026.xlsx"]);
    expect(await search(actor, "季度报")).toEqual(["季度报告2026.xlsx"]);
    expect(await search(actor, "季度报告2026")).toEqual(["季度报告2026.xlsx"]);
    expect(await search(actor, "报")).toEqual(["季度报告2026.xlsx", "报表.csv"]);
    expect(await search(actor, "度")).toEqual(["季度报告2026.xlsx", "年度总结.docx"]);
    expect(await search(actor, "告2")).toEqual(["季度报告2026.xlsx"]);
    expect(await search(actor, "月报")).toEqual([]);
  });

  it("is case-insensitive and takes % and _ literally", async () => {
    const { actor } = await createTestUser();
    await createTestFile({ actor, name: "Budget_2026.PDF" });
    await createTestFile({ actor, name: "budgetX2026.pdf" });
    await createTestFile({ actor, name: "100% done.txt" });
    await createTestFile({ actor, name: "1000 done.txt" });
    expect(await search(actor, "BUDGET")).toEqual(["Budget_2026.PDF", "budgetX2026.pdf"]);
    expect(await search(actor, "t_2")).toEqual(["Budget_2026.PDF"]);
    expect(await search(actor, "_")).toEqual(["Budget_2026.PDF"]);
    expect(await search(actor, "0%")).toEqual(["100% done.txt"]);
    expect(await search(actor, "%")).toEqual(["100% done.txt"]);
    expect(await search(actor, "\\")).toEqual([]);
  });

  it("returns each hit with the path of folders above it", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const root = (await drive.list({})).folder.id;
    const work = await drive.createFolder({ name: "工作" });
    const q = await drive.createFolder({ name: "Q1", parentId: work.id });
    const file = await createTestFile({ actor, name: "季度报告.pptx", parentId: q.id });
    const [hit] = (await drive.search({ query: "报告" })).items;
    expect(hit).toMatchObject({ id: file.id, parentId: q.id, kind: "FILE" });
    expect(hit!.path).toEqual([
      { id: root, name: "", isRoot: true },
      { id: work.id, name: "工作", isRoot: false },
      { id: q.id, name: "Q1", isRoot: false },
    ]);
    const [folderHit] = (await drive.search({ query: "工作" })).items;
    expect(folderHit).toMatchObject({ id: work.id, kind: "FOLDER", path: [{ id: root, name: "", isRoot: true }] });
  });

  it("filters by kind: folder, image, video, audio, document, archive", async () => {
    const { actor } = await createTestUser();
    await callerFor(actor).drive.createFolder({ name: "旅行 photos" });
    for (const name of ["旅行.jpg", "旅行.MP4", "旅行.mp3", "旅行.pdf", "旅行.docx", "旅行.zip", "旅行.tar.gz", "旅行.bin"]) {
      await createTestFile({ actor, name });
    }
    expect(await search(actor, "旅行", "folder")).toEqual(["旅行 photos"]);
    expect(await search(actor, "旅行", "image")).toEqual(["旅行.jpg"]);
    expect(await search(actor, "旅行", "video")).toEqual(["旅行.MP4"]);
    expect(await search(actor, "旅行", "audio")).toEqual(["旅行.mp3"]);
    expect(await search(actor, "旅行", "document")).toEqual(["旅行.docx", "旅行.pdf"]);
    expect(await search(actor, "旅行", "archive")).toEqual(["旅行.tar.gz", "旅行.zip"]);
    expect((await search(actor, "旅行")).length).toBe(9);
  });

  it("never returns another user's nodes unless shared with the caller, nor trashed ones", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    await createTestFile({ actor: alice.actor, name: "机密报告.txt" });
    const shared = await callerFor(alice.actor).drive.createFolder({ name: "共享报告" });
    await t.prisma.grant.create({ data: { nodeId: shared.id, granteeId: bob.user.id, createdById: alice.user.id, role: "VIEWER" } });
    const gone = await createTestFile({ actor: bob.actor, name: "旧报告.txt" });
    await callerFor(bob.actor).drive.trash({ nodeIds: [gone.id] });
    await createTestFile({ actor: bob.actor, name: "我的报告.txt" });
    // Alice's folder granted to Bob is found (with what is below it); nothing else of hers is.
    expect(await search(bob.actor, "报告")).toEqual(["共享报告", "我的报告.txt"]);
    expect(await search(bob.actor, "机密报")).toEqual([]);
    expect(await search(alice.actor, "报告")).toEqual(["共享报告", "机密报告.txt"]);
  });

  it("finds two characters through the index of names' character pairs, which follows renames and leaves the trash out", async () => {
    const [row] = await t.prisma.$queryRaw<{ pairs: string[] }[]>`SELECT yp_name_bigrams('季度Report报告') AS pairs`;
    expect([...row!.pairs].sort()).toEqual(["re", "ep", "po", "or", "rt", "季度", "度r", "t报", "报告"].sort());
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const file = await createTestFile({ actor, name: "周报.docx" });
    const binned = await createTestFile({ actor, name: "旧周报.docx" });
    await drive.trash({ nodeIds: [binned.id] });
    expect(await search(actor, "周报")).toEqual(["周报.docx"]);
    expect(await search(actor, "DO")).toEqual(["周报.docx"]);
    await drive.rename({ nodeId: file.id, name: "月报.docx" });
    expect(await search(actor, "周报")).toEqual([]);
    expect(await search(actor, "月报")).toEqual(["月报.docx"]);
    // The statement for two characters can be answered from the index alone (in one transaction, so on one connection).
    const plan = await t.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN SELECT id FROM "Node" WHERE yp_name_bigrams(name) @> yp_name_bigrams('月报')`);
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("Node_name_bigrams_idx");
  });

  it("a grantee finds names at any depth below a shared folder, and nothing once the grant is revoked", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const drive = callerFor(alice.actor).drive;
    const top = await drive.createFolder({ name: "团队" });
    const mid = await drive.createFolder({ name: "中层", parentId: top.id });
    await createTestFile({ actor: alice.actor, name: "周报-1.txt", parentId: top.id });
    await createTestFile({ actor: alice.actor, name: "周报-2.txt", parentId: mid.id });
    await createTestFile({ actor: alice.actor, name: "周报-3.txt" });
    const grant = await callerFor(alice.actor).share.grant({ nodeId: top.id, email: bob.user.email, role: "VIEWER" });
    expect(await search(bob.actor, "周报")).toEqual(["周报-1.txt", "周报-2.txt"]);
    await callerFor(alice.actor).share.revokeGrant({ grantId: grant.id });
    expect(await search(bob.actor, "周报")).toEqual([]);
  });

  it("filters by folder (at any depth, also a folder shared with the caller) and by modified date", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const drive = callerFor(alice.actor).drive;
    const top = await drive.createFolder({ name: "项目" });
    const sub = await drive.createFolder({ name: "子目录", parentId: top.id });
    await createTestFile({ actor: alice.actor, name: "合同-顶层.pdf", parentId: top.id });
    await createTestFile({ actor: alice.actor, name: "合同-子目录.pdf", parentId: sub.id });
    await createTestFile({ actor: alice.actor, name: "合同-外面.pdf" });
    const names = async (actor: Actor, input: Record<string, unknown>) => (await callerFor(actor).drive.search({ query: "合同", ...input })).items.map((i) => i.name).sort();
    expect(await names(alice.actor, { folderId: top.id })).toEqual(["合同-子目录.pdf", "合同-顶层.pdf"]);
    expect(await names(alice.actor, { folderId: sub.id })).toEqual(["合同-子目录.pdf"]);
    expect(await names(alice.actor, { modifiedAfter: new Date(Date.now() + 3600_000) })).toEqual([]);
    expect(await names(alice.actor, { modifiedBefore: new Date(Date.now() + 3600_000) })).toHaveLength(3);
    // Another user's folder answers like a missing one, until it is shared with them.
    expect((await rejectionOf(callerFor(bob.actor).drive.search({ query: "合同", folderId: top.id }))).code).toBe("NOT_FOUND");
    await callerFor(alice.actor).share.grant({ nodeId: top.id, email: bob.user.email, role: "VIEWER" });
    expect(await names(bob.actor, { folderId: sub.id })).toEqual(["合同-子目录.pdf"]);
  });

  it("pages through many hits, most recently changed first, each exactly once", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    for (let i = 0; i < 25; i++) await drive.createFolder({ name: `报告 ${String(i).padStart(2, "0")}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof drive.search>> = await drive.search({ query: "报告", limit: 10, cursor });
      seen.push(...page.items.map((i) => i.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe("报告 24");
  });

  it("refuses an empty query and a broken cursor", async () => {
    const { actor } = await createTestUser();
    const empty = await rejectionOf(callerFor(actor).drive.search({ query: "   " }));
    expect(empty.code).toBe("BAD_REQUEST");
    expect(empty.message).toContain("search.required"); // the key; the error formatter translates it
    expect((await rejectionOf(callerFor(actor).drive.search({ query: "a", cursor: "nonsense" }))).code).toBe("BAD_REQUEST");
  });
});
