// A small ZIP reader for tests: reads the central directory (ZIP64 included) the way extracting
// tools do and checks every entry's CRC-32, independently of the writer under test.
import { crc32 } from "node:zlib";

export interface ReadEntry {
  name: string;
  isDir: boolean;
  flags: number;
  size: number;
  crc: number;
  externalAttributes: number;
  data: Buffer;
}

export function readZip(zip: Buffer): { entries: ReadEntry[]; zip64: boolean } {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error("no end of central directory record");
  let count = zip.readUInt16LE(end + 10);
  let cdOffset = zip.readUInt32LE(end + 16);
  const zip64 = end >= 20 && zip.readUInt32LE(end - 20) === 0x07064b50;
  if (zip64) {
    const rec = Number(zip.readBigUInt64LE(end - 20 + 8));
    if (zip.readUInt32LE(rec) !== 0x06064b50) throw new Error("bad zip64 end record");
    count = Number(zip.readBigUInt64LE(rec + 32));
    cdOffset = Number(zip.readBigUInt64LE(rec + 48));
  }
  const entries: ReadEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central header ${i}`);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    let csize = zip.readUInt32LE(p + 20);
    let usize = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const externalAttributes = zip.readUInt32LE(p + 38);
    let offset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e < extraEnd) {
      const id = zip.readUInt16LE(e);
      const len = zip.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (usize === 0xffffffff) {
          usize = Number(zip.readBigUInt64LE(q));
          q += 8;
        }
        if (csize === 0xffffffff) {
          csize = Number(zip.readBigUInt64LE(q));
          q += 8;
        }
        if (offset === 0xffffffff) offset = Number(zip.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    if (method !== 0) throw new Error(`unexpected method ${method}`);
    if (zip.readUInt32LE(offset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = offset + 30 + zip.readUInt16LE(offset + 26) + zip.readUInt16LE(offset + 28);
    const data = zip.subarray(start, start + csize);
    if (crc32(data) !== crc) throw new Error(`CRC mismatch for ${name}`);
    entries.push({ name, isDir: name.endsWith("/"), flags, size: usize, crc, externalAttributes, data });
    p = extraEnd + commentLen;
  }
  return { entries, zip64 };
}
