// PGlite never locks its data dir, and two processes on one dir silently lose committed rows
// (/work/shared/notes/prisma-offline.md §6). So: a pid file created with O_EXCL, taken before
// PGlite opens the dir. The liveness check only works for processes on the same host and PID namespace.
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

export interface DirLockOwner {
  pid: number;
  startedAt: string;
  purpose: string;
}

export interface DirLock {
  release(): void;
}

const LOCK_FILE = "yunpan.lock";
// A file between its O_EXCL create and its write is empty; younger than this it counts as held.
const UNWRITTEN_GRACE_MS = 5_000;
const held = new Set<string>();

export function dirLockPath(dir: string): string {
  return path.join(path.resolve(dir), LOCK_FILE);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

type Seen = { raw: string; owner: DirLockOwner | null; live: boolean };

function inspect(file: string): Seen | null {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = readFileSync(file, "utf8");
    mtimeMs = statSync(file).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let owner: DirLockOwner | null = null;
  try {
    const o = JSON.parse(raw) as DirLockOwner;
    if (Number.isInteger(o.pid)) owner = o;
  } catch {
    // not written yet, or garbage: judged by its age below
  }
  if (!owner) return { raw, owner, live: Date.now() - mtimeMs < UNWRITTEN_GRACE_MS };
  // Our own pid is stale unless we hold the lock: a restarted container can reuse pid 1.
  const live = owner.pid === process.pid ? held.has(file) : isAlive(owner.pid);
  return { raw, owner, live };
}

/** Takes the lock or throws naming the process that holds it. Also released on process exit. */
export function acquireDirLock(dir: string, { purpose }: { purpose: string }): DirLock {
  mkdirSync(dir, { recursive: true });
  const file = dirLockPath(dir);
  const text = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), purpose } satisfies DirLockOwner);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, "wx");
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return hold(file, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const seen = inspect(file);
    if (!seen) continue;
    if (seen.live) {
      const o = seen.owner;
      throw new Error(
        o
          ? `${dir} is locked by running process ${o.pid} (${o.purpose}, since ${o.startedAt}); stop it first`
          : `${dir} is being locked by another process right now`,
      );
    }
    // Stale. Rename rather than unlink, then check what was moved: if a racing process replaced
    // the stale file with its own lock in between, put that one back.
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw e;
    }
    if (readFileSync(aside, "utf8") !== seen.raw) {
      try {
        linkSync(aside, file);
      } catch {
        // a third process locked meanwhile; the next round reports it
      }
    }
    unlinkSync(aside);
  }
  throw new Error(`could not lock ${dir}: its lock file kept changing`);
}

function hold(file: string, text: string): DirLock {
  held.add(file);
  const release = () => {
    if (!held.delete(file)) return;
    process.off("exit", release);
    try {
      if (readFileSync(file, "utf8") === text) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  return { release };
}

/** The live holder of the lock on dir, or null when it is free or stale. */
export function readDirLockOwner(dir: string): DirLockOwner | null {
  const seen = inspect(dirLockPath(dir));
  return seen?.live ? seen.owner : null;
}
