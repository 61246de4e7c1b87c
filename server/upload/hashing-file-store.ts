import { createHash, type Hash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FileStore } from "@tus/file-store";
import { ERRORS } from "@tus/utils";

const COALESCE_BYTES = 1024 * 1024;

interface HashState {
  hash: Hash;
  /** Bytes [0, offset) of the upload have been fed to `hash`. */
  offset: number;
}

/**
 * @tus/file-store that hashes every byte as it is written, in the write path's own Transform, and
 * coalesces socket chunks into 1 MiB writes (measured +39 % throughput, -29 % CPU, shared notes).
 *
 * node:crypto's state cannot leave the process, so the state is a per-process cache: when a PATCH
 * arrives at an offset the cache does not cover (a restart, another replica, a failed PATCH),
 * the state is dropped and `digest()` falls back to one read of the finished file.
 */
export class HashingFileStore extends FileStore {
  private readonly hashes = new Map<string, HashState>();

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    let state = this.hashes.get(id);
    if (offset === 0) state = { hash: createHash("sha256"), offset: 0 };
    else if (state?.offset !== offset) state = undefined;
    this.hashes.delete(id);

    let received = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const take = () => {
      const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      return out;
    };
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        state?.hash.update(chunk);
        pending.push(chunk);
        pendingBytes += chunk.length;
        done(null, pendingBytes >= COALESCE_BYTES ? take() : undefined);
      },
      flush(done) {
        done(null, pendingBytes ? take() : undefined);
      },
    });
    const file = createWriteStream(this.filePath(id), { flags: "r+", start: offset });
    try {
      await pipeline(readable, hashing, file);
    } catch {
      // Whatever reached the disk stays and HEAD reports it; the hash may have seen more, so the
      // state is not kept and the finished file will be read once instead.
      throw ERRORS.FILE_WRITE_ERROR;
    }
    if (state) {
      state.offset = offset + received;
      this.hashes.set(id, state);
    }
    return offset + received;
  }

  /** sha256 of the finished upload: from the streaming state, or one read when it was lost. */
  async digest(id: string, size: number): Promise<{ sha256: string; streamed: boolean }> {
    const state = this.hashes.get(id);
    this.hashes.delete(id);
    if (state && state.offset === size) return { sha256: state.hash.digest("hex"), streamed: true };
    const hash = createHash("sha256");
    await pipeline(createReadStream(this.filePath(id), { highWaterMark: COALESCE_BYTES }), hash);
    return { sha256: hash.digest("hex"), streamed: false };
  }

  forget(id: string) {
    this.hashes.delete(id);
  }

  /** Upload ids are made by the server (hex), so the join cannot leave the directory. */
  filePath(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return path.join(this.directory, id);
  }
}
