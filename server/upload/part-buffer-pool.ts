/**
 * Part buffers of the S3 upload store, reused. A fresh 8 MiB buffer per part is external memory
 * that V8 answers with a collection every few parts (GC was 19 % of the server's CPU during a tus
 * upload into S3, issue 15). At most `keepBytes` of free buffers stay, and none after `idleMs`
 * without use, so an idle server holds no part memory.
 */
export class PartBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  /** The memory of every buffer this pool made: only those come back. */
  private readonly made = new WeakSet<ArrayBufferLike>();
  private freeCount = 0;
  private freeBytes = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly keepBytes: number,
    private readonly idleMs = 30_000,
  ) {}

  /** A buffer of exactly `size` bytes; its contents are undefined. */
  take(size: number): Buffer {
    this.touch();
    const list = this.free.get(size);
    const buf = list?.pop();
    if (buf) {
      this.freeCount--;
      this.freeBytes -= buf.length;
      return buf;
    }
    // allocUnsafeSlow: a buffer of its own (its ArrayBuffer is the whole buffer), so `give` can
    // take back a view of its head.
    const made = Buffer.allocUnsafeSlow(size);
    this.made.add(made.buffer);
    return made;
  }

  /**
   * Gives back a buffer from `take`, or a view of its head (a short last part). Only once nothing
   * refers to its bytes any more: the request that sent them has settled.
   */
  give(part: Buffer) {
    if (!this.made.has(part.buffer) || this.freeBytes + part.buffer.byteLength > this.keepBytes) return;
    const whole = part.length === part.buffer.byteLength ? part : Buffer.from(part.buffer, 0, part.buffer.byteLength);
    let list = this.free.get(whole.length);
    if (!list) this.free.set(whole.length, (list = []));
    list.push(whole);
    this.freeCount++;
    this.freeBytes += whole.length;
    this.touch();
  }

  /** Free buffers held (tests). */
  get size(): number {
    return this.freeCount;
  }

  private touch() {
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        this.free.clear();
        this.freeCount = 0;
        this.freeBytes = 0;
      }, this.idleMs);
      this.idleTimer.unref();
    }
  }
}
