// The S3 baseline: @aws-sdk/lib-storage multipart uploads straight to the endpoint, in a process of
// its own so the bench can read its CPU and peak RSS like a server's. It loads the SDK, prints
// "ready", then for every JSON line on stdin ({ file, key }) uploads the file and prints a JSON line.
// Usage: S3_ENDPOINT=… S3_BUCKET=… S3_ACCESS_KEY_ID=… S3_SECRET_ACCESS_KEY=… S3_REGION=…
//        PART_SIZE=… QUEUE_SIZE=… node scripts/bench/s3-direct-upload.mjs
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

const client = new S3Client({
  endpoint: process.env.S3_ENDPOINT,
  region: process.env.S3_REGION || "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY },
  // RGW (Pacific) rejects the SDK's default aws-chunked bodies with trailing checksums.
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});

// A clean exit on SIGTERM (the bench stopping it), so --cpu-prof writes its profile.
process.on("SIGTERM", () => process.exit(0));
console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { file, key } = JSON.parse(line);
  try {
    const upload = new Upload({
      client,
      params: { Bucket: process.env.S3_BUCKET, Key: key, Body: createReadStream(file, { highWaterMark: 1024 * 1024 }) },
      partSize: Number(process.env.PART_SIZE),
      queueSize: Number(process.env.QUEUE_SIZE),
      leavePartsOnError: false,
    });
    await upload.done();
    console.log(JSON.stringify({ ok: true }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e?.message ?? e) }));
  }
}
client.destroy();
