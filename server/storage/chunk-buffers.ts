// Reused 1 MiB read buffers for serving blobs. A fresh 1 MiB buffer per chunk (createReadStream)
// made a server process that had gone idle once fall into back-to-back mark-compact collections
// for the rest of its life: ~3 CPU s/GiB and a quarter of nginx's speed (shared notes, baselines.md;
// issue 22). Buffers come back only after the write that used them has finished.

/** Read size: 1 MiB was 3x faster at a third of the CPU of the default 64 KiB (baselines.md). */
export const CHUNK_BYTES = 1024 * 1024;

/** Free buffers kept for the next transfer: enough for 8 concurrent transfers of two each. */
const KEEP = 16;

const KEY = Symbol.for("yunpan.chunkBuffers");
type G = typeof globalThis & { [KEY]?: Buffer[] };

function freeList(): Buffer[] {
  return ((globalThis as G)[KEY] ??= []);
}

/** A 1 MiB buffer from the pool, or a new one; its contents are undefined. */
export function takeChunkBuffer(): Buffer {
  // allocUnsafeSlow: a buffer of its own, never a slice of Node's shared pool.
  return freeList().pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
}

/** Gives a buffer back once nothing (no pending write) refers to it any more. */
export function returnChunkBuffer(buf: Buffer) {
  const free = freeList();
  if (buf.length === CHUNK_BYTES && free.length < KEEP) free.push(buf);
}

/** Free buffers in the pool (tests). */
export function pooledChunkBuffers(): number {
  return freeList().length;
}
