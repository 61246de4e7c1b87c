import { createReadStream } from "node:fs";
import { rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { FileStore } from "@tus/file-store";
import { ERRORS } from "@tus/utils";
import { writeCoalesced } from "@/server/storage/coalesced-file-write";
import { COALESCE_BYTES, hashStream, StreamingHashes, type HashingUploadStore } from "@/server/storage/streaming-hash";

/**
 * @tus/file-store that coalesces socket chunks into 1 MiB writes from two reused buffers
 * (`writeCoalesced`) and hashes each buffer just before it is written. A lost hash state (see
 * StreamingHashes) costs one read of the finished file.
 */
export class HashingFileStore extends FileStore implements HashingUploadStore {
  private readonly hashes = new StreamingHashes();

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const write = this.hashes.begin(id, offset);
    try {
      await writeCoalesced(readable, this.filePath(id), offset, write.update);
    } catch {
      // Whatever reached the disk stays and HEAD reports it; the hash may have seen more, so the
      // state is not kept and the finished file will be read once instead.
      throw ERRORS.FILE_WRITE_ERROR;
    }
    const end = offset + write.received;
    write.done(end);
    return end;
  }

  async digest(id: string, size: number): Promise<{ sha256: string; streamed: boolean }> {
    const streamed = this.hashes.take(id, size);
    if (streamed) return { sha256: streamed, streamed: true };
    const { sha256 } = await hashStream(createReadStream(this.filePath(id), { highWaterMark: COALESCE_BYTES }));
    return { sha256, streamed: false };
  }

  forget(id: string) {
    this.hashes.forget(id);
  }

  uploadRef(id: string) {
    return { uploadId: id, localPath: this.filePath(id) };
  }

  /**
   * The data file moved into the blob store (or was discarded as a duplicate); a sparse file of
   * the same length (no disk blocks) takes its place, so a HEAD keeps answering "complete" until
   * expiry and a client that lost the final response does not upload again.
   */
  async releaseCommitted(id: string, size: number) {
    const file = this.filePath(id);
    await rm(file, { force: true });
    await writeFile(file, "");
    await truncate(file, size);
  }

  async discard(id: string) {
    this.hashes.forget(id);
    await rm(this.filePath(id), { force: true });
    await this.configstore.delete(id).catch(() => {});
  }

  /** Upload ids are made by the server (hex), so the join cannot leave the directory. */
  filePath(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return path.join(this.directory, id);
  }
}
