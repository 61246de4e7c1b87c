import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { createDatabaseFilesInChild, hasDatabaseFiles } from "@/server/db/pglite-initdb";

const dir = mkdtempSync(path.join(os.tmpdir(), "yunpan-pglite-initdb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("creates a new database's files in a child process, and this process opens them without initdb", async () => {
  const dataDir = path.join(dir, "db");
  expect(hasDatabaseFiles(dataDir)).toBe(false);
  await createDatabaseFilesInChild(dataDir, ["-c", "shared_buffers=32MB"]);
  expect(hasDatabaseFiles(dataDir)).toBe(true);
  // With debug on, PGlite logs (console.log) whether it resumed a cluster or ran initdb itself.
  const log = vi.spyOn(console, "log");
  try {
    const pg = await PGlite.create({ dataDir, debug: 1 });
    try {
      expect((await pg.query<{ one: number }>("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await pg.close();
    }
    const lines = log.mock.calls.map((args) => args.join(" "));
    expect(lines).toContain("pglite: found DB, resuming");
    expect(lines.join("\n")).not.toContain("running initdb");
  } finally {
    log.mockRestore();
  }
}, 180_000);

it("fails with the child's error when the directory cannot be created", async () => {
  const file = path.join(dir, "a-file");
  writeFileSync(file, "");
  await expect(createDatabaseFilesInChild(path.join(file, "db"), [])).rejects.toThrow(/Creating the embedded database in .*a-file\/db failed \(exit 1\): \S/);
}, 180_000);
