import type { S3Settings } from "@/server/storage/s3-blob-store";

/** The S3 endpoint scripts/with-s3.mjs provides (a throwaway Ceph RGW), or null without one. */
export function testS3Settings(): S3Settings | null {
  const e = process.env;
  if (!e.TEST_S3_ENDPOINT) return null;
  return {
    endpoint: e.TEST_S3_ENDPOINT,
    region: e.TEST_S3_REGION ?? "us-east-1",
    bucket: e.TEST_S3_BUCKET ?? "yunpan-test",
    accessKeyId: e.TEST_S3_ACCESS_KEY_ID ?? "",
    secretAccessKey: e.TEST_S3_SECRET_ACCESS_KEY ?? "",
    forcePathStyle: true,
  };
}

/** The server configuration for STORAGE=s3 against those settings. */
export function s3EnvFor(s: S3Settings, extra: Record<string, string> = {}): Record<string, string> {
  return {
    STORAGE: "s3",
    S3_ENDPOINT: s.endpoint,
    S3_REGION: s.region,
    S3_BUCKET: s.bucket,
    S3_ACCESS_KEY_ID: s.accessKeyId,
    S3_SECRET_ACCESS_KEY: s.secretAccessKey,
    ...extra,
  };
}
