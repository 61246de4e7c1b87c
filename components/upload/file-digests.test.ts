import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestFile } from "@/components/upload/file-digests";

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const md5 = (b: Buffer) => createHash("md5").update(b).digest("base64");

/** A Blob that records every range read from it. */
function countingBlob(bytes: Uint8Array<ArrayBuffer>) {
  const reads: [number, number][] = [];
  class Counting extends Blob {
    override slice(start = 0, end = this.size, type?: string) {
      reads.push([start, end]);
      return super.slice(start, end, type);
    }
  }
  return { blob: new Counting([bytes]), reads };
}

describe("digestFile: the sha256 and the parts' MD5s from one read", () => {
  it("gives node:crypto's sha256 and each part's base64 MD5, reading every byte once in slices within a part", async () => {
    // 5 MiB parts: slices of 8 MiB would cross them; the last part is short.
    const bytes = randomBytes(17 * MiB + 3);
    const { blob, reads } = countingBlob(bytes);
    const done: number[] = [];
    const got = await digestFile(blob, 5 * MiB, (n) => done.push(n));
    expect(got.sha256).toBe(sha256(bytes));
    expect(got.partSize).toBe(5 * MiB);
    const parts = [0, 1, 2, 3].map((i) => bytes.subarray(i * 5 * MiB, Math.min(bytes.length, (i + 1) * 5 * MiB)));
    expect(got.partMd5s).toEqual(parts.map(md5));
    // Every byte read once, in order, and no read crosses a part boundary.
    expect(reads).toEqual([[0, 5 * MiB], [5 * MiB, 10 * MiB], [10 * MiB, 15 * MiB], [15 * MiB, 17 * MiB + 3]]);
    expect(done.at(-1)).toBe(bytes.length);
  });

  it("reads parts larger than a slice in slices, and without a part size gives the sha256 alone", async () => {
    const bytes = randomBytes(20 * MiB);
    const { blob, reads } = countingBlob(bytes);
    const got = await digestFile(blob, 12 * MiB);
    expect(got.partMd5s).toEqual([md5(bytes.subarray(0, 12 * MiB)), md5(bytes.subarray(12 * MiB))]);
    expect(reads).toEqual([[0, 8 * MiB], [8 * MiB, 12 * MiB], [12 * MiB, 20 * MiB]]);

    const plain = await digestFile(new Blob([bytes]), null);
    expect(plain).toEqual({ sha256: sha256(bytes), partSize: null, partMd5s: [] });
  });

  it("an empty file has the empty sha256 and no part", async () => {
    expect(await digestFile(new Blob([]), 5 * MiB)).toEqual({ sha256: sha256(Buffer.alloc(0)), partSize: 5 * MiB, partMd5s: [] });
  });
});
