import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDirLock, dirLockPath, readDirLockOwner } from "./lock.ts";

const lockModule = fileURLToPath(new URL("./lock.ts", import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "yunpan-lock-"));
  dirs.push(dir);
  return dir;
}

// Liveness is checked by pid, so the other holder has to be a real process.
function runChild(dir: string, then: string): Promise<ChildProcess> {
  const code = `import { acquireDirLock } from ${JSON.stringify(lockModule)};
    acquireDirLock(${JSON.stringify(dir)}, { purpose: "child" });
    console.log("locked");
    ${then}`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve(child));
    child.on("exit", (code) => (code === 0 ? resolve(child) : reject(new Error(`child exited with ${code}`))));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on("exit", () => resolve())));

afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("acquireDirLock", () => {
  it("refuses while another process holds the lock, naming its pid, and takes over once it was killed", async () => {
    const dir = tempDir();
    const child = await runChild(dir, "setInterval(() => {}, 1000);");

    expect(() => acquireDirLock(dir, { purpose: "test" })).toThrow(`locked by running process ${child.pid} (child`);
    expect(readDirLockOwner(dir)).toMatchObject({ pid: child.pid, purpose: "child" });

    child.kill("SIGKILL"); // no exit handler runs: the file stays behind, stale
    await exited(child);
    expect(existsSync(dirLockPath(dir))).toBe(true);
    expect(readDirLockOwner(dir)).toBeNull();

    const lock = acquireDirLock(dir, { purpose: "test" });
    expect(readDirLockOwner(dir)).toMatchObject({ pid: process.pid, purpose: "test" });
    lock.release();
  });

  it("is released when the holder exits normally", async () => {
    const dir = tempDir();
    const child = await runChild(dir, "process.exit(0);");
    await exited(child);
    expect(existsSync(dirLockPath(dir))).toBe(false);
  });

  it("refuses a second acquire in the same process, and release frees the lock", () => {
    const dir = tempDir();
    const lock = acquireDirLock(dir, { purpose: "first" });
    expect(() => acquireDirLock(dir, { purpose: "second" })).toThrow(`locked by running process ${process.pid} (first`);

    lock.release();
    expect(existsSync(dirLockPath(dir))).toBe(false);
    expect(readDirLockOwner(dir)).toBeNull();
    acquireDirLock(dir, { purpose: "again" }).release();
  });

  it("treats a file naming our own pid as stale when we do not hold it (pid reused after a restart)", () => {
    const dir = tempDir();
    const stale = { pid: process.pid, startedAt: "2020-01-01T00:00:00.000Z", purpose: "previous run" };
    writeFileSync(dirLockPath(dir), JSON.stringify(stale));
    expect(readDirLockOwner(dir)).toBeNull();
    const lock = acquireDirLock(dir, { purpose: "test" });
    expect(readDirLockOwner(dir)).toMatchObject({ purpose: "test" });
    lock.release();
  });
});
