import { open, type FileHandle } from "node:fs/promises";
import { CHUNK_BYTES, returnChunkBuffer, takeChunkBuffer } from "@/server/storage/chunk-buffers";

async function writeFully(fh: FileHandle, buf: Buffer, length: number, position: number) {
  for (let done = 0; done < length; ) {
    const { bytesWritten } = await fh.write(buf, done, length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Writes a stream into an existing file from `start`, coalescing its (socket-sized) chunks into
 * 1 MiB writes from two pooled, reused buffers: one fills while the other is written. Coalescing
 * with a fresh buffer per MiB (Buffer.concat) cost one 1 MiB allocation per MiB uploaded, the same
 * garbage that threw downloads into back-to-back mark-compacts (issue 22). `seen` gets every full
 * (or final) buffer just before it is written, e.g. to hash it; it must not keep the buffer.
 * Resolves with the bytes written. On a failure, bytes of the unfinished buffer are dropped (the
 * caller reports the file's length as the offset) and no buffer goes back to the pool while a
 * write may still hold it.
 */
export async function writeCoalesced(source: AsyncIterable<Buffer>, file: string, start: number, seen: (bytes: Buffer) => void): Promise<number> {
  const fh = await open(file, "r+");
  const buffers = [takeChunkBuffer(), takeChunkBuffer()];
  let current = 0;
  let fill = 0;
  let position = start;
  // The one write that may still hold the other buffer.
  let inFlight: Promise<void> | null = null;
  const writeOut = async () => {
    const buf = buffers[current]!;
    const length = fill;
    seen(buf.subarray(0, length));
    if (inFlight) await inFlight;
    inFlight = writeFully(fh, buf, length, position);
    inFlight.catch(() => {}); // awaited before the next write; not an unhandled rejection meanwhile
    position += length;
    current ^= 1;
    fill = 0;
  };
  let settled = false;
  try {
    for await (const chunk of source) {
      for (let off = 0; off < chunk.length; ) {
        const n = chunk.copy(buffers[current]!, fill, off);
        fill += n;
        off += n;
        if (fill === CHUNK_BYTES) await writeOut();
      }
    }
    if (fill) await writeOut();
    if (inFlight) await inFlight;
    settled = true;
    return position - start;
  } finally {
    if (!settled && inFlight) await (inFlight as Promise<void>).catch(() => {});
    await fh.close();
    buffers.forEach(returnChunkBuffer);
  }
}
