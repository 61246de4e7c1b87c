// A streaming ZIP writer (PKWARE APPNOTE 6.3.x). Entries are STORED, not deflated: what people
// keep in a drive is mostly compressed already (photos, video, office files), STORED costs no CPU,
// and, with every size known up front, the archive's exact length is known before the first byte,
// so the download can announce a Content-Length. The CRC-32 is only known after the data, so file
// entries set flag bit 3 and carry it in a data descriptor. ZIP64 is used where a size, an offset or
// the entry count does not fit the classic fields (4 GiB, 65535 entries). Names are UTF-8 (bit 11).
import { crc32 } from "node:zlib";
import type { Writable } from "node:stream";
import { isSafeZipPath } from "@/server/drive/zip-names";
import type { BlobChunks } from "@/server/storage/blob-chunks";
import { writeChunk } from "@/server/http/write-chunk";

export interface ZipEntry {
  /** Path inside the archive, "/"-separated, without a trailing slash. */
  path: string;
  kind: "file" | "dir";
  /** Exact byte count of a file's data; the writer fails if the stream yields a different count. */
  size: number;
  modifiedAt: Date;
  /** Opens the file's bytes (files only); each chunk is written before the next is read. */
  open?: () => Promise<BlobChunks>;
}

const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
const MADE_BY_UNIX = (3 << 8) | VERSION_ZIP64;

interface Laid {
  entry: ZipEntry;
  name: Buffer;
  offset: number;
  /** The data size needs ZIP64 fields. */
  bigData: boolean;
}

function layout(entries: ZipEntry[]) {
  let offset = 0;
  const laid: Laid[] = [];
  for (const entry of entries) {
    // The last guard against a name that would climb out of the extraction folder (zip-names.ts).
    if (!isSafeZipPath(entry.path)) throw new Error(`unsafe zip entry name: ${JSON.stringify(entry.path)}`);
    const name = Buffer.from(entry.kind === "dir" ? `${entry.path}/` : entry.path, "utf8");
    const size = entry.kind === "dir" ? 0 : entry.size;
    const bigData = size >= U32_MAX;
    laid.push({ entry, name, offset, bigData });
    offset += localHeaderLength(name, bigData) + size + (entry.kind === "file" ? (bigData ? 24 : 16) : 0);
  }
  const centralOffset = offset;
  const centralSize = laid.reduce((sum, l) => sum + centralHeaderLength(l), 0);
  const zip64End = laid.length >= U16_MAX || centralOffset >= U32_MAX || centralSize >= U32_MAX;
  const total = centralOffset + centralSize + (zip64End ? 56 + 20 : 0) + 22;
  return { laid, centralOffset, centralSize, zip64End, total };
}

/** The exact byte length of the archive writeZip produces for these entries. */
export function zipLength(entries: ZipEntry[]): number {
  return layout(entries).total;
}

const UT_LENGTH = 9; // extended timestamp extra field: mtime only

function localHeaderLength(name: Buffer, bigData: boolean) {
  return 30 + name.length + (bigData ? 20 : 0) + UT_LENGTH;
}

function zip64CentralFields(l: Laid) {
  return (l.bigData ? 2 : 0) + (l.offset >= U32_MAX ? 1 : 0);
}

function centralHeaderLength(l: Laid) {
  const n = zip64CentralFields(l);
  return 46 + l.name.length + (n ? 4 + 8 * n : 0) + UT_LENGTH;
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function unixSeconds(d: Date) {
  return Math.min(Math.max(Math.floor(d.getTime() / 1000), 0), U32_MAX);
}

function timestampExtra(d: Date): Buffer {
  const b = Buffer.alloc(UT_LENGTH);
  b.writeUInt16LE(0x5455, 0);
  b.writeUInt16LE(5, 2);
  b.writeUInt8(1, 4); // mtime present
  b.writeUInt32LE(unixSeconds(d), 5);
  return b;
}

function localHeader(l: Laid): Buffer {
  const isFile = l.entry.kind === "file";
  const b = Buffer.alloc(localHeaderLength(l.name, l.bigData));
  const { time, date } = dosDateTime(l.entry.modifiedAt);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(l.bigData ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  b.writeUInt16LE(FLAG_UTF8 | (isFile ? FLAG_DESCRIPTOR : 0), 6);
  b.writeUInt16LE(0, 8); // STORED
  b.writeUInt16LE(time, 10);
  b.writeUInt16LE(date, 12);
  // crc and sizes follow in the data descriptor; ZIP64 entries mark theirs as "see the extra field"
  b.writeUInt32LE(0, 14);
  b.writeUInt32LE(l.bigData ? U32_MAX : 0, 18);
  b.writeUInt32LE(l.bigData ? U32_MAX : 0, 22);
  b.writeUInt16LE(l.name.length, 26);
  b.writeUInt16LE((l.bigData ? 20 : 0) + UT_LENGTH, 28);
  l.name.copy(b, 30);
  let p = 30 + l.name.length;
  if (l.bigData) {
    b.writeUInt16LE(0x0001, p);
    b.writeUInt16LE(16, p + 2);
    // both sizes zero here: the real ones are in the descriptor (bit 3)
    p += 20;
  }
  timestampExtra(l.entry.modifiedAt).copy(b, p);
  return b;
}

function dataDescriptor(l: Laid, crc: number): Buffer {
  const size = l.entry.size;
  if (l.bigData) {
    const b = Buffer.alloc(24);
    b.writeUInt32LE(0x08074b50, 0);
    b.writeUInt32LE(crc, 4);
    b.writeBigUInt64LE(BigInt(size), 8);
    b.writeBigUInt64LE(BigInt(size), 16);
    return b;
  }
  const b = Buffer.alloc(16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(crc, 4);
  b.writeUInt32LE(size, 8);
  b.writeUInt32LE(size, 12);
  return b;
}

function centralHeader(l: Laid, crc: number): Buffer {
  const isFile = l.entry.kind === "file";
  const size = isFile ? l.entry.size : 0;
  const bigOffset = l.offset >= U32_MAX;
  const n = zip64CentralFields(l);
  const b = Buffer.alloc(centralHeaderLength(l));
  const { time, date } = dosDateTime(l.entry.modifiedAt);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(MADE_BY_UNIX, 4);
  b.writeUInt16LE(n ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
  b.writeUInt16LE(FLAG_UTF8 | (isFile ? FLAG_DESCRIPTOR : 0), 8);
  b.writeUInt16LE(0, 10);
  b.writeUInt16LE(time, 12);
  b.writeUInt16LE(date, 14);
  b.writeUInt32LE(crc, 16);
  b.writeUInt32LE(l.bigData ? U32_MAX : size, 20);
  b.writeUInt32LE(l.bigData ? U32_MAX : size, 24);
  b.writeUInt16LE(l.name.length, 28);
  b.writeUInt16LE((n ? 4 + 8 * n : 0) + UT_LENGTH, 30);
  b.writeUInt16LE(0, 32); // comment
  b.writeUInt16LE(0, 34); // disk
  b.writeUInt16LE(0, 36); // internal attributes
  const mode = isFile ? 0o100644 : 0o040755;
  b.writeUInt32LE(((mode << 16) | (isFile ? 0 : 0x10)) >>> 0, 38);
  b.writeUInt32LE(bigOffset ? U32_MAX : l.offset, 42);
  l.name.copy(b, 46);
  let p = 46 + l.name.length;
  if (n) {
    b.writeUInt16LE(0x0001, p);
    b.writeUInt16LE(8 * n, p + 2);
    p += 4;
    if (l.bigData) {
      b.writeBigUInt64LE(BigInt(size), p);
      b.writeBigUInt64LE(BigInt(size), p + 8);
      p += 16;
    }
    if (bigOffset) {
      b.writeBigUInt64LE(BigInt(l.offset), p);
      p += 8;
    }
  }
  timestampExtra(l.entry.modifiedAt).copy(b, p);
  return b;
}

function endRecords(count: number, centralOffset: number, centralSize: number, zip64End: boolean): Buffer {
  const parts: Buffer[] = [];
  if (zip64End) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(MADE_BY_UNIX, 12);
    rec.writeUInt16LE(VERSION_ZIP64, 14);
    rec.writeUInt32LE(0, 16);
    rec.writeUInt32LE(0, 20);
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(centralSize), 40);
    rec.writeBigUInt64LE(BigInt(centralOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(centralOffset + centralSize), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(rec, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(Math.min(count, U16_MAX), 8);
  end.writeUInt16LE(Math.min(count, U16_MAX), 10);
  end.writeUInt32LE(Math.min(centralSize, U32_MAX), 12);
  end.writeUInt32LE(Math.min(centralOffset, U32_MAX), 16);
  end.writeUInt16LE(0, 20);
  parts.push(end);
  return Buffer.concat(parts);
}

/** Resolves once `out` can take more, rejects if it closes or fails first (the client went away). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (err?: Error) => {
      out.off("drain", onDrain);
      out.off("close", onClose);
      out.off("error", onError);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => finish();
    const onClose = () => finish(Object.assign(new Error("output closed"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    const onError = (e: Error) => finish(e);
    out.on("drain", onDrain);
    out.on("close", onClose);
    out.on("error", onError);
  });
}

async function put(out: Writable, chunk: Buffer) {
  if (out.destroyed) throw Object.assign(new Error("output closed"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
  if (!out.write(chunk)) await drained(out);
}

/**
 * Writes the archive to `out`, one file open at a time and never more than the stream's buffer in
 * memory (it waits for 'drain'), then ends `out`. Rejects if a file's bytes differ in length from
 * its entry (the announced length would be wrong) or if `out` closes early.
 */
export async function writeZip(out: Writable, entries: ZipEntry[]): Promise<void> {
  const { laid, centralOffset, centralSize, zip64End } = layout(entries);
  const crcs: number[] = [];
  for (const l of laid) {
    await put(out, localHeader(l));
    if (l.entry.kind === "dir") {
      crcs.push(0);
      continue;
    }
    let crc = 0;
    let written = 0;
    if (l.entry.size > 0) {
      if (!l.entry.open) throw new Error(`zip entry ${l.entry.path} has no content`);
      const data = await l.entry.open();
      await data.pipeTo((buf) => {
        crc = crc32(buf, crc);
        written += buf.length;
        if (out.destroyed) throw Object.assign(new Error("output closed"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
        return writeChunk(out, buf);
      });
    }
    if (written !== l.entry.size) throw new Error(`zip entry ${l.entry.path}: expected ${l.entry.size} bytes, read ${written}`);
    crcs.push(crc);
    await put(out, dataDescriptor(l, crc));
  }
  // The central directory goes out in slices, so 100k entries do not become one huge buffer.
  let batch: Buffer[] = [];
  let batchBytes = 0;
  for (let i = 0; i < laid.length; i++) {
    const h = centralHeader(laid[i]!, crcs[i]!);
    batch.push(h);
    batchBytes += h.length;
    if (batchBytes >= 64 * 1024) {
      await put(out, Buffer.concat(batch));
      batch = [];
      batchBytes = 0;
    }
  }
  if (batch.length) await put(out, Buffer.concat(batch));
  await put(out, endRecords(laid.length, centralOffset, centralSize, zip64End));
  await new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(() => resolve());
  });
}
