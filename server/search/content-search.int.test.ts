import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { NOT_FOUND, rejectionOf } from "@/server/test/rejection";
import { useTestDatabase } from "@/server/test/test-db";
import { makeDocx, makeHtml, makeOdt, makePdf, makePptx, makeXlsx, makeZipBombDocx } from "@/server/test/search-corpus";
import { drainQueue, runQueueOnce } from "@/server/jobs/queue";
import { SEARCH_INDEX_JOB } from "@/server/jobs/search-index-queue";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { RANKED_CANDIDATES } from "@/server/search/content-search.service";
import { bigramCodes, bigramHash, HASHED_BIGRAMS_MAX, unigramCode } from "@/server/search/tokenize";
import { COMMON_HAN } from "@/server/search/common-han";
import type { Actor } from "@/server/auth/actor";

const t = useTestDatabase();

const ZH = "我们的年度报告提到了客户合同和付款条件。";
const EN = "The quarterly report was uploaded by the finance team on Monday.";

/** Every format of the corpus, each with its own marker word. */
const CORPUS: { name: string; make: (lines: string[]) => Buffer | string }[] = [
  { name: "report.pdf", make: (l) => makePdf(l) },
  { name: "report.docx", make: makeDocx },
  { name: "report.xlsx", make: makeXlsx },
  { name: "report.pptx", make: makePptx },
  { name: "report.odt", make: makeOdt },
  { name: "report.html", make: makeHtml },
  { name: "report.md", make: (l) => `# Notes\n\n${l.join("\n\n")}\n` },
  { name: "report.txt", make: (l) => l.join("\n") },
];
const markerOf = (name: string) => `marker${name.split(".")[1]}`;

async function upload(actor: Actor, name: string, content: Buffer | string, parentId?: string) {
  return createTestFile({ actor, name, content: Buffer.from(content), parentId });
}

const names = (r: { items: { name: string }[] }) => r.items.map((i) => i.name).sort();

describe("content search", () => {
  it("finds Chinese 2- and 4-character words, English stems and phrases inside every format", async () => {
    const { actor } = await createTestUser();
    for (const f of CORPUS) await upload(actor, f.name, f.make([ZH, EN, `Reference ${markerOf(f.name)}`]));
    await drainQueue();
    const rows = await t.prisma.searchText.findMany({ select: { status: true, reason: true, node: { select: { name: true } } } });
    expect(rows.filter((r) => r.status !== "OK")).toEqual([]);
    const search = (query: string) => callerFor(actor).search.content({ query });
    const all = CORPUS.map((f) => f.name).sort();
    expect(names(await search("合同"))).toEqual(all);
    expect(names(await search("年度报告"))).toEqual(all);
    expect(names(await search("uploads"))).toEqual(all);
    expect(names(await search('"finance team"'))).toEqual(all);
    expect(names(await search('"team finance"'))).toEqual([]);
    expect(names(await search("合约"))).toEqual([]);
    for (const f of CORPUS) expect(names(await search(markerOf(f.name)))).toEqual([f.name]);
    // Snippets carry ranges to highlight, on the matched words themselves.
    const hit = (await search("年度报告 uploads")).items[0]!;
    const marked = hit.snippet.marks.map(([a, b]) => hit.snippet.text.slice(a, b));
    expect(marked).toContain("年度报告");
    expect(marked).toContain("uploaded");
    // Script text is not content.
    expect(names(await search("scriptword"))).toEqual([]);
  });

  it("CJK bigrams are stored as int2 hashes of a short text, exact int4 codes of a long one, not in the tsvector; rows stored before are moved", async () => {
    const { actor } = await createTestUser();
    const short = await upload(actor, "zh.txt", `${ZH}\n单 한글 猫`);
    // More distinct bigrams than HASHED_BIGRAMS_MAX: a run of 1,100 ideographs from U+9000 to U+9BB7, none of the words looked for.
    const long = await upload(actor, "long.txt", `${Array.from({ length: HASHED_BIGRAMS_MAX + 76 }, (_, i) => String.fromCodePoint(0x9000 + ((i * 7) % 3000))).join("")}\n鲲鹏计划`);
    await drainQueue();
    const search = (query: string) => callerFor(actor).search.content({ query });
    // 单 is a common character alone: no code, found by reading the texts; 猫 and 鲲 are rare: codes of their own.
    for (const q of ["合同", "客户合同", "年度报告", "单", "한글", "猫"]) expect(names(await search(q))).toEqual(["zh.txt"]);
    for (const q of ["鲲鹏", "鲲"]) expect(names(await search(q))).toEqual(["long.txt"]);
    expect(names(await search("同客"))).toEqual([]);
    const codes = [...bigramCodes("合同"), ...bigramCodes("한글"), ...bigramCodes("猫")];
    const stored = (id: string) => t.prisma.$queryRaw<{ inTsv: boolean; single: boolean; codes: boolean; hashes: boolean; words: boolean }[]>`
      SELECT tsv @@ '合同'::tsquery AS "inTsv", tsv @@ '单'::tsquery AS single, bigrams @> ${codes}::int4[] AS codes,
             "bigramHashes" @> ${codes.map(bigramHash)}::int2[] AS hashes, tsv @@ '年度报告'::tsquery AS words
        FROM "SearchText" WHERE "nodeId" = ${id}`;
    expect(await stored(short.id)).toEqual([{ inTsv: false, single: false, codes: false, hashes: true, words: true }]);
    const [big] = await t.prisma.$queryRaw<{ codes: number; hashes: number }[]>`
      SELECT cardinality(bigrams) AS codes, cardinality("bigramHashes") AS hashes FROM "SearchText" WHERE "nodeId" = ${long.id}`;
    expect(big!.codes).toBeGreaterThan(HASHED_BIGRAMS_MAX);
    expect(big!.hashes).toBe(0);
    for (const index of ["SearchText_bigrams_idx", "SearchText_bigramHashes_idx"]) {
      const plan = await t.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        const where = index === "SearchText_bigrams_idx" ? `bigrams @> '{${codes[0]}}'::int4[]` : `"bigramHashes" @> '{${bigramHash(codes[0]!)}}'::int2[]`;
        return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN SELECT "nodeId" FROM "SearchText" s WHERE ${where}`);
      });
      expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain(index);
    }
    // A row as the indexer wrote it before: bigrams and 1-character runs as lexemes, no arrays. The migration's UPDATE moves them.
    await t.prisma.$executeRaw`UPDATE "SearchText" SET bigrams = '{}', "bigramHashes" = '{}', tsv = tsv || array_to_tsvector(${["合同", "户合", "单", "한글", "猫"]}::text[]) WHERE "nodeId" = ${short.id}`;
    expect(await stored(short.id)).toEqual([{ inTsv: true, single: true, codes: false, hashes: false, words: true }]);
    const migration = readFileSync(path.join(process.cwd(), "prisma/migrations/20261208000000_search_bigram_codes/migration.sql"), "utf8");
    expect(migration).toContain([...COMMON_HAN].join(""));
    await t.prisma.$executeRawUnsafe(/^WITH[^;]*;/m.exec(migration)![0]);
    expect(await stored(short.id)).toEqual([{ inTsv: false, single: false, codes: false, hashes: true, words: true }]);
    // The SQL hash is bigramHash's, bit for bit (negative codes, as Hangul's, included).
    const [row] = await t.prisma.$queryRaw<{ hashes: number[] }[]>`SELECT "bigramHashes" AS hashes FROM "SearchText" WHERE "nodeId" = ${short.id}`;
    const rare = [..."合同户单猫"].map(unigramCode).filter((c) => c !== null);
    expect(rare).toEqual([unigramCode("猫")]);
    expect(row!.hashes.sort((a, b) => a - b)).toEqual([...new Set([...bigramCodes("合同"), ...bigramCodes("户合"), ...bigramCodes("한글"), ...rare].map(bigramHash))].sort((a, b) => a - b));
    expect(names(await search("合同"))).toEqual(["zh.txt"]);
    expect(names(await search("猫"))).toEqual(["zh.txt"]);
  });

  it("reads GB18030 text and filters by kind, folder and modified date", async () => {
    const { actor } = await createTestUser();
    const drive = callerFor(actor).drive;
    const folder = await drive.createFolder({ name: "合同" });
    await upload(actor, "gbk.txt", Buffer.from(new TextEncoderGb().encode("供应商合同 supplier")));
    await upload(actor, "inside.md", "供应商合同 inside", folder.id);
    await upload(actor, "photo-caption.json", '{"caption": "供应商合同"}');
    await drainQueue();
    const search = (input: Record<string, unknown>) => callerFor(actor).search.content({ query: "供应商", ...input });
    expect(names(await search({}))).toEqual(["gbk.txt", "inside.md", "photo-caption.json"]);
    expect(names(await search({ folderId: folder.id }))).toEqual(["inside.md"]);
    expect(names(await search({ kind: "image" }))).toEqual([]);
    expect(names(await search({ modifiedAfter: new Date(Date.now() + 3600_000) }))).toEqual([]);
    expect(names(await search({ modifiedBefore: new Date(Date.now() + 3600_000) })).length).toBe(3);
  });

  it("never shows another user's documents; their folder id answers like a missing one; a share shows them to the grantee", async () => {
    const { actor: owner } = await createTestUser();
    const { actor: other, user: otherUser } = await createTestUser();
    const folder = await callerFor(owner).drive.createFolder({ name: "项目" });
    await upload(owner, "secret.txt", "机密合同 confidential", folder.id);
    await drainQueue();
    expect(names(await callerFor(other).search.content({ query: "机密" }))).toEqual([]);
    expect(names(await callerFor(other).search.content({ query: "confidential" }))).toEqual([]);
    expect(await rejectionOf(callerFor(other).search.content({ query: "机密", folderId: folder.id }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(callerFor(other).search.content({ query: "机密", folderId: randomUUID() }))).toEqual(NOT_FOUND);
    await callerFor(owner).share.grant({ nodeId: folder.id, email: otherUser.email, role: "VIEWER" });
    const shared = await callerFor(other).search.content({ query: "机密" });
    expect(names(shared)).toEqual(["secret.txt"]);
    expect(shared.items[0]!.path.map((c) => c.name)).toContain("项目");
    expect(names(await callerFor(other).search.content({ query: "机密", folderId: folder.id }))).toEqual(["secret.txt"]);
  });

  it("a grantee finds every match below a shared folder, nested subfolders included, beside their own; nothing trashed, nothing after the grant is revoked", async () => {
    const { actor: owner } = await createTestUser();
    const { actor: grantee, user: granteeUser } = await createTestUser();
    const drive = callerFor(owner).drive;
    const top = await drive.createFolder({ name: "团队" });
    const mid = await drive.createFolder({ name: "中层", parentId: top.id });
    const deep = await drive.createFolder({ name: "深层", parentId: mid.id });
    await upload(owner, "top.txt", "采购清单 procurement", top.id);
    await upload(owner, "mid.txt", "采购清单 procurement", mid.id);
    await upload(owner, "deep.txt", "采购清单 procurement", deep.id);
    const binned = await upload(owner, "binned.txt", "采购清单 procurement", deep.id);
    await upload(owner, "outside.txt", "采购清单 procurement");
    await upload(grantee, "mine.txt", "采购清单 procurement");
    await drainQueue();
    await drive.trash({ nodeIds: [binned.id] });
    const search = async (query: string) => names(await callerFor(grantee).search.content({ query }));
    expect(await search("采购")).toEqual(["mine.txt"]);
    const grant = await callerFor(owner).share.grant({ nodeId: top.id, email: granteeUser.email, role: "VIEWER" });
    expect(await search("采购")).toEqual(["deep.txt", "mid.txt", "mine.txt", "top.txt"]);
    expect(await search("procurement")).toEqual(["deep.txt", "mid.txt", "mine.txt", "top.txt"]);
    expect(names(await callerFor(grantee).search.content({ query: "采购", folderId: mid.id }))).toEqual(["deep.txt", "mid.txt"]);
    // Paging the grantee's hits gives each once.
    const first = await callerFor(grantee).search.content({ query: "采购", limit: 3 });
    const second = await callerFor(grantee).search.content({ query: "采购", limit: 3, cursor: first.nextCursor });
    expect([...names(first), ...names(second)].sort()).toEqual(["deep.txt", "mid.txt", "mine.txt", "top.txt"]);
    expect(second.nextCursor).toBeNull();
    await callerFor(owner).share.revokeGrant({ grantId: grant.id });
    expect(await search("采购")).toEqual(["mine.txt"]);
    expect(names(await callerFor(owner).search.content({ query: "采购" }))).toEqual(["deep.txt", "mid.txt", "outside.txt", "top.txt"]);
  });

  it("a grantee finds the shared matches of a word that more than RANKED_CANDIDATES unshared documents hold before them", async () => {
    const { actor: owner } = await createTestUser();
    const { actor: grantee, user: granteeUser } = await createTestUser();
    const drive = callerFor(owner).drive;
    const bulk = await drive.createFolder({ name: "bulk" });
    // Unshared matches first in the table, so the index's first matches are none of the grantee's.
    await insertIndexed(owner, bulk.id, Array(RANKED_CANDIDATES + 10).fill("procurement plan"));
    const team = await drive.createFolder({ name: "team" });
    await upload(owner, "in-folder.txt", "procurement plan", team.id);
    const single = await upload(owner, "one-file.txt", "procurement plan");
    await drainQueue();
    await callerFor(owner).share.grant({ nodeId: team.id, email: granteeUser.email, role: "VIEWER" });
    await callerFor(owner).share.grant({ nodeId: single.id, email: granteeUser.email, role: "VIEWER" });
    expect(names(await callerFor(grantee).search.content({ query: "procurement" }))).toEqual(["in-folder.txt", "one-file.txt"]);
    expect(names(await callerFor(grantee).search.content({ query: "procurement", kind: "image" }))).toEqual([]);
  });

  it("ranks best-first: the text that holds the word most comes first, wherever it is in the table", async () => {
    const { actor } = await createTestUser();
    const folder = await callerFor(actor).drive.createFolder({ name: "ranked" });
    const texts = [...Array(30).fill("tender notice"), "tender tender tender tender tender notice", ...Array(30).fill("tender notice"), "tender tender notice"];
    await insertIndexed(actor, folder.id, texts);
    const page = await callerFor(actor).search.content({ query: "tender", limit: 5 });
    expect(page.items.map((i) => i.name).slice(0, 2)).toEqual(["n31.txt", "n62.txt"]);
    expect(isBestFirst(page.items)).toBe(true);
  });

  it("a common word held by more documents than RANKED_CANDIDATES: pages ranked best-first, only the caller's live and shared files, each once", async () => {
    const { actor: owner } = await createTestUser();
    const { actor: stranger } = await createTestUser();
    const { actor: grantee, user: granteeUser } = await createTestUser();
    // Another user's texts hold the word most and come first in the table: never shown.
    const theirs = await callerFor(stranger).drive.createFolder({ name: "theirs" });
    await insertIndexed(stranger, theirs.id, Array(RANKED_CANDIDATES + 20).fill("invoice invoice invoice invoice"));
    const mine = await callerFor(owner).drive.createFolder({ name: "mine" });
    const n = RANKED_CANDIDATES + 40;
    const ids = await insertIndexed(owner, mine.id, Array.from({ length: n }, (_, i) => (i % 7 === 0 ? "invoice invoice due" : "invoice due")));
    // Trashed files are never shown, even where the index hands them out first.
    const trashed = ids.slice(0, 15);
    await callerFor(owner).drive.trash({ nodeIds: trashed });
    const live = new Set(ids.filter((id) => !trashed.includes(id)));
    const pageAll = async (actor: Actor) => {
      const seen: string[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await callerFor(actor).search.content({ query: "invoice", limit: 50, cursor });
        expect(isBestFirst(page.items)).toBe(true);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const first = await callerFor(owner).search.content({ query: "invoice", limit: 20 });
    expect(first.items).toHaveLength(20);
    expect(first.items.every((i) => live.has(i.id))).toBe(true);
    // The best of the candidates first: texts that hold the word twice.
    expect(first.items[0]!.snippet.marks.length).toBe(2);
    const seen = await pageAll(owner);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(live);
    // A grantee of the folder reaches the same files, and nothing of the stranger's.
    await callerFor(owner).share.grant({ nodeId: mine.id, email: granteeUser.email, role: "VIEWER" });
    const shared = await pageAll(grantee);
    expect(new Set(shared)).toEqual(live);
    expect(shared).toHaveLength(live.size);
  });

  it("a trashed file disappears and comes back when restored", async () => {
    const { actor } = await createTestUser();
    const file = await upload(actor, "trash-me.txt", "回收站里的发票 invoice");
    await drainQueue();
    const search = () => callerFor(actor).search.content({ query: "发票" });
    expect(names(await search())).toEqual(["trash-me.txt"]);
    await callerFor(actor).drive.trash({ nodeIds: [file.id] });
    expect(names(await search())).toEqual([]);
    await callerFor(actor).drive.restore({ nodeIds: [file.id] });
    expect(names(await search())).toEqual(["trash-me.txt"]);
  });

  it("a new version replaces the old text, and restoring the old version brings it back", async () => {
    const { actor } = await createTestUser();
    await upload(actor, "draft.txt", "初稿 apple");
    const file = await upload(actor, "draft.txt", "定稿 banana");
    await drainQueue();
    const search = async (q: string) => names(await callerFor(actor).search.content({ query: q }));
    expect(await search("初稿")).toEqual([]);
    expect(await search("apple")).toEqual([]);
    expect(await search("定稿")).toEqual(["draft.txt"]);
    const versions = await callerFor(actor).drive.versions({ nodeId: file.id });
    await callerFor(actor).drive.restoreVersion({ nodeId: file.id, versionId: versions.find((v) => v.number === 1)!.id });
    // Until the job runs, the stale row answers nothing rather than the wrong version.
    expect(await search("定稿")).toEqual([]);
    await drainQueue();
    expect(await search("初稿")).toEqual(["draft.txt"]);
    expect(await search("定稿")).toEqual([]);
  });

  it("a snippet shows the match deep inside a long text, cut on both sides", async () => {
    const { actor } = await createTestUser();
    await upload(actor, "long.txt", `${"前言。".repeat(30_000)}这里是深处的保密条款 clause。${"后记。".repeat(30_000)}`);
    await drainQueue();
    const [hit] = (await callerFor(actor).search.content({ query: "保密条款" })).items;
    expect(hit!.snippet).toMatchObject({ cutBefore: true, cutAfter: true });
    expect(hit!.snippet.marks.map(([a, b]) => hit!.snippet.text.slice(a, b))).toEqual(["保密条款"]);
    expect(hit!.snippet.text.length).toBeLessThan(400);
  });

  it("indexes several queued files in one batch; a file whose bytes cannot be read fails alone while the others are found", async () => {
    const { actor } = await createTestUser();
    const files = [];
    for (let i = 0; i < 5; i++) files.push(await upload(actor, `batch-${i}.txt`, `批量索引 batchword number${i}`));
    const lost = await t.prisma.node.findUniqueOrThrow({ where: { id: files[2]!.id }, select: { currentVersion: { select: { blob: { select: { storageKey: true } } } } } });
    await getBlobStore().delete(lost.currentVersion!.blob.storageKey);
    const ids = new Set(files.map((f) => f.id));
    const jobs = async () => (await t.prisma.queuedJob.findMany({ where: { kind: SEARCH_INDEX_JOB } })).filter((j) => ids.has((j.payload as { nodeId: string }).nodeId));
    expect((await jobs()).map((j) => j.status)).toEqual(Array(5).fill("QUEUED"));
    // First in line whatever else the uploads queued (claims go by runAt).
    await t.prisma.queuedJob.updateMany({ where: { id: { in: (await jobs()).map((j) => j.id) } }, data: { runAt: new Date(Date.now() - 60_000) } });
    // Claiming one search.index job takes the other four along: one indexFilesText call for the five.
    await runQueueOnce(1);
    const byNode = new Map((await jobs()).map((j) => [(j.payload as { nodeId: string }).nodeId, j]));
    expect(byNode.get(files[2]!.id)).toMatchObject({ status: "QUEUED", attempts: 1, lastError: expect.any(String) });
    for (const i of [0, 1, 3, 4]) expect(byNode.get(files[i]!.id)).toMatchObject({ status: "DONE", attempts: 1, result: { outcome: "ok" } });
    expect(names(await callerFor(actor).search.content({ query: "batchword" }))).toEqual(["batch-0.txt", "batch-1.txt", "batch-3.txt", "batch-4.txt"]);
    expect(names(await callerFor(actor).search.content({ query: "批量索引" }))).toHaveLength(4);
  });

  it("records a malformed PDF, an encrypted PDF and a zip-bomb docx as unreadable with reasons, and keeps serving", async () => {
    const { actor } = await createTestUser();
    await upload(actor, "broken.pdf", "%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without end");
    await upload(actor, "locked.pdf", makePdf(["机密 locked"], { encrypt: true }));
    await upload(actor, "bomb.docx", makeZipBombDocx());
    await upload(actor, "fine.txt", "正常文件 normal");
    await drainQueue();
    const rows = await t.prisma.searchText.findMany({ where: { node: { ownerId: actor.userId } }, select: { status: true, reason: true, node: { select: { name: true } } } });
    const byName = Object.fromEntries(rows.map((r) => [r.node.name, r]));
    expect(byName["broken.pdf"]).toMatchObject({ status: "UNREADABLE", reason: expect.stringMatching(/^malformed/) });
    expect(byName["locked.pdf"]).toMatchObject({ status: "UNREADABLE", reason: expect.stringMatching(/^encrypted/) });
    expect(byName["bomb.docx"]).toMatchObject({ status: "UNREADABLE", reason: expect.stringMatching(/^zip-bomb/) });
    expect(byName["fine.txt"]).toMatchObject({ status: "OK" });
    expect(names(await callerFor(actor).search.content({ query: "正常" }))).toEqual(["fine.txt"]);
    // Admins see them with their reasons.
    const { actor: admin } = await createTestUser({ role: "ADMIN" });
    const state = await callerFor(admin).search.indexState();
    expect(state.unreadableFiles.map((f) => f.name).sort()).toEqual(expect.arrayContaining(["bomb.docx", "broken.pdf", "locked.pdf"]));
    expect(await rejectionOf(callerFor(actor).search.indexState())).toMatchObject({ code: "FORBIDDEN" });
  });
});

/** Best-first: ranks never rise down the page. */
function isBestFirst(items: { rank: number }[]): boolean {
  return items.every((it, i) => i === 0 || it.rank <= items[i - 1]!.rank);
}

/**
 * Files with indexed texts, written in bulk in this order (the table's order, which the GIN index
 * hands matches out in), named n1.txt, n2.txt, …; answers their ids.
 */
async function insertIndexed(actor: Actor, parentId: string, texts: string[]): Promise<string[]> {
  const ids = texts.map(() => randomUUID());
  const vids = texts.map(() => randomUUID());
  const blobId = randomUUID();
  await t.prisma.$executeRaw`INSERT INTO "Blob" (id, backend, sha256, size, "storageKey") VALUES (${blobId}, 'local', ${createHash("sha256").update(blobId).digest("hex")}, 0, ${`test-${blobId}`})`;
  await t.prisma.$executeRaw`
    INSERT INTO "Node" (id, "ownerId", "parentId", kind, name, "liveName", size, "mimeType")
    SELECT id, ${actor.userId}, ${parentId}, 'FILE', 'n' || ord || '.txt', 'n' || ord || '.txt', 0, 'text/plain' FROM unnest(${ids}::text[]) WITH ORDINALITY AS t(id, ord)`;
  await t.prisma.$executeRaw`INSERT INTO "FileVersion" (id, "nodeId", number, "blobId", size, "createdById") SELECT vid, id, 1, ${blobId}, 0, ${actor.userId} FROM unnest(${ids}::text[], ${vids}::text[]) AS t(id, vid)`;
  await t.prisma.$executeRaw`UPDATE "Node" n SET "currentVersionId" = t.vid FROM unnest(${ids}::text[], ${vids}::text[]) AS t(id, vid) WHERE n.id = t.id`;
  // One row after another, so the table (and the index's order) is the order given.
  for (let i = 0; i < texts.length; i++) {
    await t.prisma.$executeRaw`
      INSERT INTO "SearchText" ("nodeId", "versionId", status, text, "textBytes", tsv)
      VALUES (${ids[i]}, ${vids[i]}, 'OK', ${texts[i]}, octet_length(${texts[i]}), to_tsvector('english', ${texts[i]}))`;
  }
  return ids;
}

/** GB18030 bytes for a few test characters (Node has no GB encoder; the table is small and fixed). */
class TextEncoderGb {
  private static table: Record<string, number[]> = {
    供: [0xb9, 0xa9], 应: [0xd3, 0xa6], 商: [0xc9, 0xcc], 合: [0xba, 0xcf], 同: [0xcd, 0xac],
  };
  encode(s: string): Uint8Array {
    const out: number[] = [];
    for (const ch of s) out.push(...(TextEncoderGb.table[ch] ?? [ch.charCodeAt(0)]));
    return new Uint8Array(out);
  }
}
