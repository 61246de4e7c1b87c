import { describe, expect, it } from "vitest";
import { resolveEnv } from "@/server/env";
import { MAX_PARTS, s3PartSize } from "@/server/upload/hashing-s3-store";
import { patchSize } from "@/server/upload/part-size";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe("s3PartSize", () => {
  it("uses the configured size while it holds the upload in 10,000 parts", () => {
    expect(s3PartSize(0, 8 * MiB)).toBe(8 * MiB);
    expect(s3PartSize(100 * MiB, 8 * MiB)).toBe(8 * MiB);
    expect(s3PartSize(8 * MiB * MAX_PARTS, 8 * MiB)).toBe(8 * MiB);
  });

  it("grows in whole MiB so that 10,000 parts always suffice", () => {
    for (const length of [8 * MiB * MAX_PARTS + 1, 100 * GiB, 1024 * GiB, 5 * 1024 * GiB, 123_456_789_012]) {
      const part = s3PartSize(length, 8 * MiB);
      expect(part % MiB).toBe(0);
      expect(Math.ceil(length / part)).toBeLessThanOrEqual(MAX_PARTS);
      // and no bigger than needed
      expect(Math.ceil(length / (part - MiB)) > MAX_PARTS || part === 8 * MiB).toBe(true);
    }
    expect(s3PartSize(1024 * GiB, 8 * MiB)).toBe(105 * MiB);
  });

  it("rounds a configured size up to whole MiB", () => {
    expect(s3PartSize(10 * MiB, 5 * MiB + 1)).toBe(6 * MiB);
  });
});

describe("S3_PART_SIZE, S3_UPLOAD_CONCURRENCY and S3_UPLOAD_BUFFER", () => {
  it("default to 8 MiB, 8 and 4 × 8 parts of memory", () => {
    expect(resolveEnv({}).s3).toMatchObject({ partSizeBytes: 8 * MiB, uploadConcurrency: 8, uploadBufferBytes: 256 * MiB });
    expect(resolveEnv({ S3_PART_SIZE: "16MiB", S3_UPLOAD_CONCURRENCY: "2" }).s3.uploadBufferBytes).toBe(128 * MiB);
    expect(resolveEnv({ S3_UPLOAD_BUFFER: "1GiB" }).s3.uploadBufferBytes).toBe(GiB);
    expect(() => resolveEnv({ S3_UPLOAD_BUFFER: "1MiB" })).toThrow(/S3_UPLOAD_BUFFER: at least 5MiB/);
  });

  it("accept sizes with units within S3's part limits", () => {
    expect(resolveEnv({ S3_PART_SIZE: "16MiB", S3_UPLOAD_CONCURRENCY: "2" }).s3).toMatchObject({ partSizeBytes: 16 * MiB, uploadConcurrency: 2 });
    expect(() => resolveEnv({ S3_PART_SIZE: "4MiB" })).toThrow(/S3_PART_SIZE: at least 5MiB/);
    expect(() => resolveEnv({ S3_PART_SIZE: "6GiB" })).toThrow(/S3_PART_SIZE: at most 5GiB/);
    expect(() => resolveEnv({ S3_UPLOAD_CONCURRENCY: "0" })).toThrow(/S3_UPLOAD_CONCURRENCY/);
  });
});

describe("patchSize", () => {
  it("is a whole number of parts, as many as are uploaded at once", () => {
    expect(patchSize(100 * MiB, 8 * MiB, 4)).toBe(32 * MiB);
    expect(patchSize(1024 * GiB, 8 * MiB, 4)).toBe(4 * 105 * MiB);
    expect(patchSize(100 * MiB, 8 * MiB, 1)).toBe(8 * MiB);
    expect(patchSize(100 * MiB, 8 * MiB, 0)).toBe(8 * MiB); // never less than one part
  });
});
