import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeZip, zipLength, type ZipEntry } from "@/server/drive/zip-writer";
import { streamChunks } from "@/server/storage/blob-chunks";
import { readZip } from "@/server/test/zip-reader";

const hasUnzip = spawnSync("unzip", ["-v"]).status === 0;
const when = new Date(Date.UTC(2026, 10, 24, 8, 30, 12));

function file(p: string, content: Buffer | string): ZipEntry {
  const data = Buffer.from(content);
  return { path: p, kind: "file", size: data.length, modifiedAt: when, open: async () => streamChunks(Readable.from([data])) };
}

async function zipToBuffer(entries: ZipEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  await writeZip(out, entries);
  return Buffer.concat(chunks);
}

describe("zip writer", () => {
  it("writes folders, files and UTF-8 names that a reader (and unzip) accepts, in exactly the announced length", async () => {
    const entries: ZipEntry[] = [
      { path: "报告", kind: "dir", size: 0, modifiedAt: when },
      file("报告/季度报告2026.xlsx", "季度数据"),
      { path: "报告/空文件夹", kind: "dir", size: 0, modifiedAt: when },
      file("报告/empty.txt", ""),
      file("a.bin", Buffer.alloc(100_000, 7)),
    ];
    const zip = await zipToBuffer(entries);
    expect(zip.length).toBe(zipLength(entries));
    const read = readZip(zip);
    expect(read.zip64).toBe(false);
    expect(read.entries.map((e) => e.name)).toEqual(["报告/", "报告/季度报告2026.xlsx", "报告/空文件夹/", "报告/empty.txt", "a.bin"]);
    for (const e of read.entries) expect(e.flags & 0x0800).toBe(0x0800);
    expect(read.entries[1]!.data.toString("utf8")).toBe("季度数据");
    expect(read.entries[4]!.data.equals(Buffer.alloc(100_000, 7))).toBe(true);
    expect(read.entries[0]!.externalAttributes & 0x10).toBe(0x10);

    if (hasUnzip) {
      const dir = mkdtempSync(path.join(os.tmpdir(), "yp-zip-"));
      try {
        writeFileSync(path.join(dir, "t.zip"), zip);
        expect(execFileSync("unzip", ["-t", path.join(dir, "t.zip")]).toString()).toContain("No errors detected");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("switches to ZIP64 end records past 65535 entries", async () => {
    const entries: ZipEntry[] = Array.from({ length: 70_000 }, (_, i) => file(`f/${i}.txt`, i % 100 === 0 ? String(i) : ""));
    const zip = await zipToBuffer(entries);
    expect(zip.length).toBe(zipLength(entries));
    const read = readZip(zip);
    expect(read.zip64).toBe(true);
    expect(read.entries).toHaveLength(70_000);
    expect(read.entries[69_900]!.data.toString()).toBe("69900");
    if (hasUnzip) {
      const dir = mkdtempSync(path.join(os.tmpdir(), "yp-zip-"));
      try {
        writeFileSync(path.join(dir, "t.zip"), zip);
        const listing = execFileSync("unzip", ["-l", path.join(dir, "t.zip")], { maxBuffer: 64 * 1024 * 1024 }).toString();
        expect(listing).toMatch(/70000 files/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 60_000);

  it("fails when a file's bytes differ from its announced size, and stops when the output closes", async () => {
    await expect(zipToBuffer([{ ...file("short.txt", "abc"), size: 4 }])).rejects.toThrow(/expected 4 bytes, read 3/);

    const out = new PassThrough({ highWaterMark: 1024 });
    const big = file("big.bin", Buffer.alloc(1024 * 1024));
    const writing = writeZip(out, [big, big]);
    out.destroy();
    await expect(writing).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
  });

  // A real > 4 GiB entry takes a minute and 4 GiB of disk for unzip: run with YP_ZIP_4G=1.
  it.runIf(process.env.YP_ZIP_4G === "1" && hasUnzip)("writes a > 4 GiB entry with ZIP64 sizes and offsets that unzip verifies", async () => {
    const size = 4 * 1024 ** 3 + 123;
    const chunk = Buffer.alloc(8 * 1024 * 1024, 1);
    const huge: ZipEntry = {
      path: "huge.bin",
      kind: "file",
      size,
      modifiedAt: when,
      open: async () =>
        streamChunks(
          Readable.from(
            (function* () {
              for (let left = size; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
            })(),
          ),
        ),
    };
    const entries = [huge, file("after.txt", "after the big one")];
    const dir = mkdtempSync(path.join(os.tmpdir(), "yp-zip-"));
    try {
      const target = path.join(dir, "big.zip");
      const { createWriteStream, statSync } = await import("node:fs");
      await writeZip(createWriteStream(target), entries);
      expect(statSync(target).size).toBe(zipLength(entries));
      const result = execFileSync("unzip", ["-t", target]).toString();
      expect(result).toContain("No errors detected");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
