import type { Readable } from "node:stream";
import { getDatabase, getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { logger } from "@/server/log/logger";
import { Prisma } from "@/server/db/generated/client.ts";
import { enqueueJob, registerBatchJobHandler, registerJobHandler } from "@/server/jobs/queue";
import { enqueueSearchBackfill, SEARCH_BACKFILL_JOB, SEARCH_INDEX_JOB } from "@/server/jobs/search-index-queue";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { EXTRACT_THREADS, extractInWorker, type ExtractResult } from "@/server/search/extractor";
import { textFormatOf } from "@/server/search/text-formats";
import { findUserByEmailOrThrow, requireAdmin } from "@/server/auth/auth.service";
import type { Actor } from "@/server/auth/actor";

/** Files bigger than this are not read for their text (recorded unreadable, "too-large"). */
export const SEARCH_FILE_MAX_BYTES = 100 * 1024 ** 2;
/** Files per backfill job (one indexFilesText call); each batch queues the next, so a restart resumes after the last batch. */
export const BACKFILL_BATCH = 50;
/** Queued `search.index` jobs indexed together (one indexFilesText call). */
export const INDEX_JOB_BATCH = 16;
/**
 * Files read and waiting for (or in) an extraction thread: two per thread, so a thread finds its
 * next file queued when it finishes one (with one per thread, each waited for the main thread to
 * read and hand over the next: the two threads had a file only 53% and 70% of a batched pass).
 */
const FILES_IN_FLIGHT = 2 * EXTRACT_THREADS;
/** Yet the bytes of files in flight stay under this together (a file bigger than it goes alone). */
const IN_FLIGHT_MAX_BYTES = 64 * 1024 ** 2;
/** Extracted rows waiting for their INSERT before the files after them wait (rows hold texts of up to SEARCH_TEXT_MAX_BYTES). */
const ROWS_WAITING_MAX = 8;

export type IndexOutcome = "ok" | "unreadable" | "skipped" | "current" | "gone";

async function readAll(stream: Readable, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  const all = Buffer.concat(chunks, total);
  // A fresh ArrayBuffer of its own: it is handed (transferred) to the extraction thread.
  return new Uint8Array(all.subarray(0, Math.min(total, limit)));
}

/**
 * Indexes the text of a file's current version (or records why it has none). Idempotent: a
 * file already indexed at its current version is left alone; a trashed file is indexed too, so
 * restoring it from the trash finds it at once (queries leave the trash out).
 */
export async function indexFileText(input: { nodeId: string; force?: boolean }): Promise<IndexOutcome> {
  const [outcome] = await indexFilesText({ nodeIds: [input.nodeId], force: input.force });
  return outcome!;
}

/** As the extraction thread sends them: `text` and `latin` in UTF-8, `words` space-separated (they never contain a space), the bigram columns as array literals. */
type Row = { nodeId: string; versionId: string; status: string; reason: string | null; text: Uint8Array | string; latin: Uint8Array | string; words: string; bigrams: string; bigramHashes: string };

/**
 * indexFileText for many files at once (the backfill): one query reads the files, their texts are
 * extracted on all extraction threads side by side, and their rows are written while the next are
 * extracted. Answers each file's outcome, in the order given; throws when one file could not be
 * read (after the others are done).
 */
export async function indexFilesText(input: { nodeIds: string[]; force?: boolean }): Promise<IndexOutcome[]> {
  const outcomes = await indexFilesTextSettled(input);
  const failure = outcomes.find((o) => o instanceof Error);
  if (failure) throw failure;
  return outcomes as IndexOutcome[];
}

/**
 * indexFilesText answering each file's outcome or the Error that stopped it (a blob the store
 * cannot read now): one file's failure leaves the others indexed. Throws only when the database
 * fails.
 */
export async function indexFilesTextSettled(input: { nodeIds: string[]; force?: boolean }): Promise<(IndexOutcome | Error)[]> {
  const prisma = await getPrisma();
  const nodes = await prisma.node.findMany({
    where: { id: { in: input.nodeIds } },
    select: {
      id: true, kind: true, name: true, mimeType: true, currentVersionId: true,
      currentVersion: { select: { blob: { select: { storageKey: true, size: true } } } },
      searchText: { select: { versionId: true } },
    },
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const gone = input.nodeIds.filter((id) => {
    const n = byId.get(id);
    return !n || n.kind !== "FILE" || !n.currentVersionId || !n.currentVersion;
  });
  if (gone.length) await prisma.searchText.deleteMany({ where: { nodeId: { in: gone } } });
  const { searchTextMaxBytes } = getEnv();
  const writer = rowWriter();
  const gate = byteGate(IN_FLIGHT_MAX_BYTES);
  const extracted = mapLimit(
    input.nodeIds,
    FILES_IN_FLIGHT,
    async (id): Promise<IndexOutcome | Error> => {
      const node = byId.get(id);
      if (!node || gone.includes(id) || !node.currentVersionId || !node.currentVersion) return "gone";
      const versionId = node.currentVersionId;
      if (!input.force && node.searchText?.versionId === versionId) return "current";
      const format = textFormatOf(node.name, node.mimeType);
      if (!format) {
        await writer.add({ nodeId: id, versionId, status: "SKIPPED", reason: null, text: "", latin: "", words: "", bigrams: "{}", bigramHashes: "{}" });
        return "skipped";
      }
      const size = Number(node.currentVersion.blob.size);
      let result: ExtractResult;
      if (size > SEARCH_FILE_MAX_BYTES) {
        result = { ok: false, reason: "too-large", detail: `${size} bytes` };
      } else {
        // Plain text needs no more than the text limit (plus a cut character); other formats need the whole file.
        const limit = format === "text" ? searchTextMaxBytes + 3 : format === "html" ? searchTextMaxBytes * 4 : SEARCH_FILE_MAX_BYTES;
        const release = await gate.take(Math.min(size, limit));
        try {
          const bytes = size === 0 ? new Uint8Array(0) : await readAll(await getBlobStore().read(node.currentVersion.blob.storageKey), limit);
          result = await extractInWorker(format, bytes, searchTextMaxBytes);
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        } finally {
          release();
        }
      }
      await writer.add(result.ok ? { nodeId: id, versionId, status: "OK", reason: null, text: result.text, latin: result.latin, words: result.words, bigrams: result.bigrams, bigramHashes: result.bigramHashes } : unreadableRow(id, versionId, result));
      return result.ok ? "ok" : "unreadable";
    },
  );
  let outcomes: (IndexOutcome | Error)[];
  try {
    outcomes = await extracted;
  } catch (e) {
    await writer.done().catch(() => {});
    throw e;
  }
  const refused = await writer.done();
  return outcomes.map((o, i) => (!(o instanceof Error) && refused.has(input.nodeIds[i]!) ? "unreadable" : o));
}

/**
 * Writes rows as their files are extracted, so the database builds one file's tsvector while the
 * extraction threads read the next (the two ran one after the other: half the throughput on two
 * cores). A row waits only for the write before it, then goes with every row that arrived
 * meanwhile, in one statement. add() answers once the caller may go on: at once, or after the
 * write under way when ROWS_WAITING_MAX rows wait. done() answers the files whose text the index refused.
 */
function rowWriter() {
  let waiting: Row[] = [];
  let queued = false;
  let writing: Promise<void> = Promise.resolve();
  const refused = new Set<string>();
  const write = async () => {
    queued = false;
    const rows = waiting;
    waiting = [];
    try {
      await saveRows(rows);
    } catch {
      // One text the index refuses (PostgreSQL caps a tsvector at 1 MB) must not fail the others: row by row.
      for (const row of rows) {
        try {
          await saveRows([row]);
        } catch (e) {
          logger.warn({ err: e, nodeId: row.nodeId }, "search: the index refused a file's text");
          await saveRows([unreadableRow(row.nodeId, row.versionId, { ok: false, reason: "too-large", detail: String((e as Error).message).slice(0, 200) })]);
          refused.add(row.nodeId);
        }
      }
    }
  };
  return {
    async add(row: Row): Promise<void> {
      waiting.push(row);
      if (!queued) {
        queued = true;
        writing = writing.then(write);
        // A failed write (the database gone) is answered by done(); until then it is not "unhandled".
        writing.catch(() => {});
      }
      if (waiting.length >= ROWS_WAITING_MAX) await writing.catch(() => {});
    },
    async done(): Promise<Set<string>> {
      await writing;
      return refused;
    },
  };
}

/**
 * At most `max` bytes taken at once; take() waits until its bytes fit, or nothing else is taken
 * (a file bigger than `max` goes alone). Answers the release.
 */
function byteGate(max: number) {
  let taken = 0;
  let waiters: (() => void)[] = [];
  const fits = (n: number) => taken === 0 || taken + n <= max;
  return {
    async take(n: number): Promise<() => void> {
      while (!fits(n)) await new Promise<void>((resolve) => waiters.push(resolve));
      taken += n;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        taken -= n;
        const wake = waiters;
        waiters = [];
        for (const w of wake) w();
      };
    },
  };
}

/** `fn` over `items` with at most `limit` calls running, results in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

function unreadableRow(nodeId: string, versionId: string, result: Extract<ExtractResult, { ok: false }>): Row {
  return { nodeId, versionId, status: "UNREADABLE", reason: result.detail ? `${result.reason}: ${result.detail}` : result.reason, text: "", latin: "", words: "", bigrams: "{}", bigramHashes: "{}" };
}

/** A row's tsvector from its `latin` and `words` (t.latin, t.words): English stems with positions, and jieba's longer words. */
export const SEARCH_TSV_SQL = "to_tsvector('english', t.latin) || array_to_tsvector(string_to_array(t.words, ' '))";

/**
 * Writes files' rows in one statement. A job that took long may finish after a newer version
 * was indexed: a row is only written while its `versionId` is still the file's current version.
 */
async function saveRows(rows: Row[]) {
  if (!rows.length) return;
  const db = await getDatabase();
  // Through the driver, not Prisma: the texts are the biggest parameters the server sends (see Database.execute).
  const values = rows.map((_, i) => `(${[0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => `$${i * 9 + k + 1}::text`).join(", ")})`).join(", ");
  await db.execute(
    `INSERT INTO "SearchText" ("nodeId", "versionId", status, reason, text, "textBytes", tsv, bigrams, "bigramHashes", "indexedAt")
     SELECT t."nodeId", t."versionId", t.status, t.reason, t.text, octet_length(t.text),
            ${SEARCH_TSV_SQL}, t.bigrams::int4[], t."bigramHashes"::int2[], now()
       FROM (VALUES ${values}) AS t("nodeId", "versionId", status, reason, text, latin, words, bigrams, "bigramHashes")
      WHERE EXISTS (SELECT 1 FROM "Node" WHERE id = t."nodeId" AND "currentVersionId" = t."versionId")
     ON CONFLICT ("nodeId") DO UPDATE SET "versionId" = EXCLUDED."versionId", status = EXCLUDED.status, reason = EXCLUDED.reason,
            text = EXCLUDED.text, "textBytes" = EXCLUDED."textBytes", tsv = EXCLUDED.tsv, bigrams = EXCLUDED.bigrams, "bigramHashes" = EXCLUDED."bigramHashes", "indexedAt" = EXCLUDED."indexedAt"`,
    rows.flatMap((r) => [r.nodeId, r.versionId, r.status, r.reason, r.text, r.latin, r.words, r.bigrams, r.bigramHashes]),
  );
}

/**
 * One batch of the backfill: live files (in id order, after `after`) whose current version has
 * no row yet. Queues the next batch while there may be more, so the work survives a restart: the
 * queued job is in the database and its lease lapses back into the queue if the process dies.
 */
export async function backfillSearchBatch(input: { after: string | null; batch?: number }): Promise<{ indexed: number; failed: number; after: string | null; done: boolean }> {
  const prisma = await getPrisma();
  const batch = input.batch ?? BACKFILL_BATCH;
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT n.id FROM "Node" n LEFT JOIN "SearchText" s ON s."nodeId" = n.id
     WHERE n.kind = 'FILE' AND n."currentVersionId" IS NOT NULL AND n."trashedAt" IS NULL
       AND (s."nodeId" IS NULL OR s."versionId" <> n."currentVersionId")
       ${input.after ? Prisma.sql`AND n.id > ${input.after}` : Prisma.empty}
     ORDER BY n.id LIMIT ${batch}`;
  let indexed = 0;
  let failed = 0;
  // All of the batch in one call: the extraction threads never wait for a chunk's last file or
  // write (chunks of 10 did), while files in flight and rows waiting stay bounded inside.
  const ids = rows.map((r) => r.id);
  const outcomes = ids.length ? await indexFilesTextSettled({ nodeIds: ids }) : [];
  outcomes.forEach((o, j) => {
    if (!(o instanceof Error)) return void indexed++;
    // A store that cannot be read now: the next hourly pass (from the start) tries again.
    failed++;
    logger.warn({ err: o, nodeId: ids[j] }, "search: could not index a file");
  });
  const last = rows.at(-1)?.id ?? null;
  const done = rows.length < batch;
  if (!done) await enqueueJobAfter(last);
  return { indexed, failed, after: last, done };
}

async function enqueueJobAfter(after: string | null) {
  // The same key as a fresh pass: the hourly check does not start a second pass beside a queued batch.
  await enqueueJob(SEARCH_BACKFILL_JOB, { after }, { dedupeKey: SEARCH_BACKFILL_JOB, maxAttempts: 10 });
}

/** Starts a backfill pass when some live file is not indexed at its current version (hourly, and soon after boot). */
export async function startSearchBackfill(): Promise<{ pending: number }> {
  const { pending } = await searchIndexCounts();
  if (pending > 0) await enqueueSearchBackfill();
  return { pending };
}

/** Indexing progress for the admin's System page. */
export async function searchIndexCounts(): Promise<{ indexed: number; pending: number; unreadable: number; skipped: number }> {
  const prisma = await getPrisma();
  const [row] = await prisma.$queryRaw<{ indexed: bigint; pending: bigint; unreadable: bigint; skipped: bigint }[]>`
    SELECT count(*) FILTER (WHERE s.status = 'OK' AND s."versionId" = n."currentVersionId") AS indexed,
           count(*) FILTER (WHERE s.status = 'UNREADABLE' AND s."versionId" = n."currentVersionId") AS unreadable,
           count(*) FILTER (WHERE s.status = 'SKIPPED' AND s."versionId" = n."currentVersionId") AS skipped,
           count(*) FILTER (WHERE s."nodeId" IS NULL OR s."versionId" <> n."currentVersionId") AS pending
      FROM "Node" n LEFT JOIN "SearchText" s ON s."nodeId" = n.id
     WHERE n.kind = 'FILE' AND n."currentVersionId" IS NOT NULL AND n."trashedAt" IS NULL`;
  return { indexed: Number(row?.indexed ?? 0), pending: Number(row?.pending ?? 0), unreadable: Number(row?.unreadable ?? 0), skipped: Number(row?.skipped ?? 0) };
}

/** The live files whose text could not be read, newest first, with the reason (admins only: the caller checks). */
export async function listUnreadableFiles(input: { limit?: number } = {}) {
  const prisma = await getPrisma();
  const rows = await prisma.searchText.findMany({
    where: { status: "UNREADABLE", node: { trashedAt: null } },
    orderBy: { indexedAt: "desc" },
    take: input.limit ?? 50,
    select: { nodeId: true, reason: true, indexedAt: true, node: { select: { name: true, size: true, owner: { select: { email: true } } } } },
  });
  return rows.map((r) => ({ nodeId: r.nodeId, name: r.node.name, size: Number(r.node.size), ownerEmail: r.node.owner.email, reason: r.reason ?? "", indexedAt: r.indexedAt }));
}

/**
 * Forgets the indexed text (of one user's files, or of all) and queues the backfill that
 * indexes it again. Returns how many files will be read again.
 */
export async function reindexContent(input: { ownerId?: string | null }): Promise<{ cleared: number }> {
  const prisma = await getPrisma();
  const { count } = await prisma.searchText.deleteMany({ where: input.ownerId ? { node: { ownerId: input.ownerId } } : {} });
  await enqueueSearchBackfill();
  return { cleared: count };
}

// Files queued together are indexed together: their extractions overlap and their rows go in few statements.
registerBatchJobHandler(SEARCH_INDEX_JOB, { max: INDEX_JOB_BATCH }, async (jobs: { payload: { nodeId: string } }[]) => {
  // A file queued twice (a retry beside a new change) is read once.
  const nodeIds = [...new Set(jobs.map((j) => j.payload.nodeId))];
  const outcomes = await indexFilesTextSettled({ nodeIds });
  const byId = new Map(nodeIds.map((id, i) => [id, outcomes[i]!]));
  return jobs.map((j) => {
    const outcome = byId.get(j.payload.nodeId)!;
    return outcome instanceof Error ? outcome : { outcome };
  });
});
registerJobHandler(SEARCH_BACKFILL_JOB, (payload: { after: string | null }) => backfillSearchBatch({ after: payload.after ?? null }));

/** The System page's index section: progress and the files that could not be read. */
export async function getSearchIndexState(input: { actor: Actor }) {
  requireAdmin(input.actor);
  const [counts, unreadable] = await Promise.all([searchIndexCounts(), listUnreadableFiles()]);
  return { ...counts, unreadableFiles: unreadable };
}

/** `reindex [--email E]` and the System page's button: one user's files, or everyone's. */
export async function reindexFiles(input: { actor: Actor; email?: string | null }) {
  requireAdmin(input.actor);
  const owner = input.email ? await findUserByEmailOrThrow(input.email) : null;
  const { cleared } = await reindexContent({ ownerId: owner?.id ?? null });
  return { cleared, email: owner?.email ?? null };
}
