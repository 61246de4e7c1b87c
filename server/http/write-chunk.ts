import type { Writable } from "node:stream";

function prematureClose(): Error {
  return Object.assign(new Error("the client went away"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
}

/**
 * Writes a chunk and resolves when its write callback fires, so the caller may reuse the chunk's
 * memory ('drain' alone would not say that the bytes left). This also is the backpressure: the
 * next chunk waits for the socket. Rejects with ERR_STREAM_PREMATURE_CLOSE when `out` closes first.
 */
export function writeChunk(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.destroyed || out.writableEnded) return reject(prematureClose());
    const onClose = () => reject(prematureClose());
    out.once("close", onClose);
    out.write(chunk, (err) => {
      out.off("close", onClose);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Ends `out` and resolves once it finished; rejects when it closes or fails first. */
export function endOutput(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.destroyed) return reject(prematureClose());
    const onClose = () => reject(prematureClose());
    const onError = (e: Error) => reject(e);
    out.once("close", onClose);
    out.once("error", onError);
    out.end(() => {
      out.off("close", onClose);
      out.off("error", onError);
      resolve();
    });
  });
}

/**
 * Writes the last chunk and ends `out` (one write with the headers when nothing was sent yet);
 * resolves once it finished, so the chunk's memory may be reused; rejects when `out` closes first.
 */
export function endWithChunk(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.destroyed || out.writableEnded) return reject(prematureClose());
    const onClose = () => reject(prematureClose());
    const onError = (e: Error) => reject(e);
    out.once("close", onClose);
    out.once("error", onError);
    out.end(chunk, () => {
      out.off("close", onClose);
      out.off("error", onError);
      resolve();
    });
  });
}
