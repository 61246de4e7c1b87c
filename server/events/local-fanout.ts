import { EventEmitter } from "node:events";

// The pieces every ChangeBus carrier shares; apart from change-bus.ts, which loads the PostgreSQL
// and Redis carriers lazily, so that they need not import it back.

export const CHANGE_CHANNEL = "yunpan_changes";

/** Subscribers of one process; the carriers below feed it. Many SSE streams share one. */
export class LocalFanout {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private last = 0n;
  deliver(seq: bigint) {
    if (seq > this.last) this.last = seq;
    this.emitter.emit("seq", seq);
  }
  subscribe(listener: (seq: bigint) => void): () => void {
    this.emitter.on("seq", listener);
    return () => void this.emitter.off("seq", listener);
  }
}

/** Parses a wake-up payload; anything else is ignored (a bus message is never trusted further). */
export function parseSeq(payload: string | undefined | null): bigint | null {
  return payload && /^\d{1,19}$/.test(payload) ? BigInt(payload) : null;
}
