import { fstatSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

/** A handle lent to one reader; `release` once its last read finished. */
export interface BlobHandleLease {
  fh: FileHandle;
  release(): Promise<void>;
}

interface Entry {
  fh: FileHandle;
  leases: number;
  lastUsed: number;
  /** Out of the cache: closed as soon as its last lease is released. */
  evicted: boolean;
}

/**
 * Open read-only handles of local blobs, shared by concurrent readers (reads are positional) and
 * kept after use: a 1 MiB range spent more CPU in open and close than in its HMAC and read
 * (profile of issue 15). Blobs are immutable, so a cached handle holds the right bytes while the
 * blob exists; whether it still does is checked on every reuse with an fstat of the handle (a
 * link count of 0 means the blob was unlinked, by this process or another replica sharing the
 * disk), and the store evicts on delete so the handle is closed at once. Handles idle for
 * `idleMs` are closed, at most `max` are kept, and `close()` closes them all at shutdown.
 */
export class OpenBlobHandles {
  private readonly entries = new Map<string, Entry>();
  private readonly opening = new Map<string, Promise<Entry>>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly options: { max: number; idleMs: number }) {
    if (options.max < 1) throw new Error("OpenBlobHandles needs room for at least one handle");
  }

  /** Rejects as `open(file, "r")` does (ENOENT for a missing or deleted blob). */
  async acquire(file: string): Promise<BlobHandleLease> {
    let entry = this.entries.get(file);
    if (entry && fstatSync(entry.fh.fd).nlink === 0) {
      void this.evict(file);
      entry = undefined;
    }
    // Leased in the same synchronous step as it is looked up: an entry evicted while its open was
    // pending (closed with no lease) is never handed out; the loop opens the file again instead.
    while (!entry) {
      await this.openShared(file);
      entry = this.entries.get(file);
    }
    const leased = entry;
    leased.leases++;
    leased.lastUsed = Date.now();
    // Map order is recency order: the first entry is the one to drop when over the cap.
    this.entries.delete(file);
    this.entries.set(file, leased);
    let released = false;
    return {
      fh: leased.fh,
      release: async () => {
        if (released) return;
        released = true;
        leased.leases--;
        leased.lastUsed = Date.now();
        if (leased.evicted && leased.leases === 0) await leased.fh.close();
      },
    };
  }

  /**
   * Drops the file's handle: called when the blob is deleted. Resolves once an idle handle is
   * closed; one a reader holds closes on its last release.
   */
  async evict(file: string): Promise<void> {
    const entry = this.entries.get(file);
    if (!entry) return;
    this.entries.delete(file);
    entry.evicted = true;
    if (entry.leases === 0) await entry.fh.close().catch(() => {});
  }

  /** How many handles are cached (open), for tests and metrics. */
  get size() {
    return this.entries.size;
  }

  /** Closes every idle handle now and every leased one on its release (shutdown). */
  async close() {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await Promise.allSettled([...this.opening.values()]);
    await Promise.all([...this.entries.keys()].map((file) => this.evict(file)));
  }

  private openShared(file: string): Promise<Entry> {
    let pending = this.opening.get(file);
    if (!pending) {
      pending = open(file, "r")
        .then((fh) => {
          const entry: Entry = { fh, leases: 0, lastUsed: Date.now(), evicted: false };
          this.entries.set(file, entry);
          this.trim();
          this.sweep();
          return entry;
        })
        .finally(() => this.opening.delete(file));
      this.opening.set(file, pending);
    }
    return pending;
  }

  private trim() {
    for (const file of this.entries.keys()) {
      if (this.entries.size <= this.options.max) break;
      void this.evict(file);
    }
  }

  /** Closes idle handles every `idleMs` while any is cached; the timer never holds the process. */
  private sweep() {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const cutoff = Date.now() - this.options.idleMs;
      for (const [file, entry] of this.entries) if (entry.leases === 0 && entry.lastUsed <= cutoff) void this.evict(file);
      if (this.entries.size === 0 && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = null;
      }
    }, this.options.idleMs);
    this.sweeper.unref();
  }
}
