import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Upload } from "@tus/utils";
import { LocalBlobStore } from "@/server/storage/local-blob-store";
import { chunked, runBlobStoreContract } from "@/server/storage/blob-store.contract";
import { HashingFileStore } from "@/server/upload/hashing-file-store";

runBlobStoreContract("LocalBlobStore", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "yp-blobs-"));
  const uploads = new HashingFileStore({ directory: path.join(dir, "uploads") });
  return {
    store: new LocalBlobStore(path.join(dir, "blobs")),
    boundary: 8 * 1024 * 1024,
    async finishUpload(bytes) {
      const id = randomBytes(16).toString("hex");
      await uploads.create(new Upload({ id, size: bytes.length, offset: 0 }));
      await uploads.write(chunked(bytes), id, 0);
      const { sha256, streamed } = await uploads.digest(id, bytes.length);
      if (!streamed) throw new Error("the hash should have been computed while writing");
      return { ref: uploads.uploadRef(id), sha256 };
    },
    isUploadPending: async (ref) => existsSync(ref.localPath!),
    close: () => rm(dir, { recursive: true, force: true }),
  };
});
