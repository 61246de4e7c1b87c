import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDatabase, type Database } from "@/server/db/client";

// The embedded database opens with a small shared buffer pool (see PGLITE_SETTINGS): PGlite keeps
// the whole pool resident from the start (64MB: 36 MiB more than 32MB; 128MB: ~90 MiB more).
const dir = mkdtempSync(path.join(os.tmpdir(), "yunpan-embedded-settings-"));
let db: Database | null = null;
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("opens the embedded database with a 32MB shared buffer pool", async () => {
  db = await openDatabase({ mode: "embedded", dataDir: dir });
  const [row] = await db.prisma.$queryRaw<{ shared_buffers: string }[]>`SHOW shared_buffers`;
  expect(row).toEqual({ shared_buffers: "32MB" });
});
