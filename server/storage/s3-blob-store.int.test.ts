import { randomBytes } from "node:crypto";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@tus/utils";
import { S3BlobStore } from "@/server/storage/s3-blob-store";
import { testS3Settings } from "@/server/test/s3-env";
import { chunked, runBlobStoreContract } from "@/server/storage/blob-store.contract";
import { HashingS3Store } from "@/server/upload/hashing-s3-store";

const PART = 8 * 1024 * 1024;

const settings = testS3Settings();

runBlobStoreContract(
  "S3BlobStore",
  async () => {
    const s = settings!;
    const store = new S3BlobStore(s);
    // The real tus store writes the upload: multipart parts, `.info`, completion.
    const uploads = new HashingS3Store({ settings: s, partSizeBytes: PART, concurrency: 4, maxUploadBytes: 1024 ** 3 });
    return {
      store,
      boundary: PART,
      async finishUpload(bytes) {
        const id = randomBytes(16).toString("hex");
        await uploads.create(new Upload({ id, size: bytes.length, offset: 0 }));
        const end = await uploads.write(chunked(bytes), id, 0);
        if (end !== bytes.length) throw new Error(`wrote ${end} of ${bytes.length} bytes`);
        const { sha256, streamed } = await uploads.digest(id, bytes.length);
        if (!streamed) throw new Error("the hash should have been computed while writing");
        return { ref: uploads.uploadRef(id), sha256 };
      },
      async isUploadPending(ref) {
        return store.client
          .send(new HeadObjectCommand({ Bucket: s.bucket, Key: `${ref.uploadId}.info` }))
          .then(() => true)
          .catch((e: { $metadata?: { httpStatusCode?: number } }) => {
            if (e.$metadata?.httpStatusCode === 404) return false;
            throw e;
          });
      },
      close: async () => store.client.destroy(),
    };
  },
  { skip: settings ? undefined : "TEST_S3_ENDPOINT is unset; run under `node scripts/with-s3.mjs …` for a throwaway Ceph RGW" },
);
