import { S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it } from "vitest";
import { presignUploadPart, type PresignTarget } from "@/server/storage/s3-presign";
import { s3ClientConfig } from "@/server/storage/s3-blob-store";

const now = new Date("2026-12-07T20:11:37.123Z");
const part = { key: "0123456789abcdef0123456789abcdef", uploadId: "2~Ab-cd_EF.gh", partNumber: 7, contentLength: 8 * 1024 * 1024, contentMd5: "1B2M2Y8AsgTpgAmY7PhCfg==", expiresInSeconds: 900, now };

/** What the SDK signs with the settings the server uses (s3ClientConfig), at the same instant. */
function sdkUrl(target: PresignTarget, p = part) {
  const client = new S3Client(s3ClientConfig({ ...target }));
  const command = new UploadPartCommand({ Bucket: target.bucket, Key: p.key, UploadId: p.uploadId, PartNumber: p.partNumber, ContentLength: p.contentLength, ContentMD5: p.contentMd5 });
  return getSignedUrl(client, command, { expiresIn: p.expiresInSeconds, signingDate: p.now });
}

describe("presignUploadPart", () => {
  const base: PresignTarget = { endpoint: "http://127.0.0.1:7480", region: "us-east-1", forcePathStyle: true, accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", bucket: "yunpan-test" };

  it.each([
    ["path style with a port", base],
    ["virtual-hosted style over https", { ...base, endpoint: "https://s3.eu-central-1.example.com", region: "eu-central-1", forcePathStyle: false }],
    ["an endpoint under a path", { ...base, endpoint: "https://files.example.com/s3/" }],
  ])("makes the SDK's URL: %s", async (_name, target) => {
    expect(presignUploadPart(target, part)).toBe(await sdkUrl(target));
  });

  it("binds the length and the MD5: another one gives another signature", () => {
    const url = new URL(presignUploadPart(base, part));
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-md5;host");
    const sig = (p: typeof part) => new URL(presignUploadPart(base, p)).searchParams.get("X-Amz-Signature");
    expect(sig({ ...part, contentLength: part.contentLength - 1 })).not.toBe(sig(part));
    expect(sig({ ...part, contentMd5: "XUFAKrxLKna5cZ2REBfFkg==" })).not.toBe(sig(part));
  });

  it("signs the next day with that day's key", async () => {
    const later = { ...part, now: new Date("2026-12-08T00:00:01Z") };
    expect(presignUploadPart(base, later)).toBe(await sdkUrl(base, later));
  });
});
