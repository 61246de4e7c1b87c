// Every process the bench starts is registered here and stopped by its PID: at the end of its
// scenario, and again (SIGKILL, synchronously) when the bench exits for any reason.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createServer } from "node:net";

export interface Started {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last few KiB of its stdout and stderr, for error messages. */
  output(): string;
}

interface Cleanup {
  name: string;
  async: () => Promise<void>;
  /** What still can run inside process.on("exit"). */
  sync: () => void;
}

export class Processes {
  /** Set once the bench is being interrupted: no new work should start. */
  stopping = false;
  private readonly running = new Map<number, Started>();
  private readonly cleanups: Cleanup[] = [];

  start(name: string, command: string, args: string[], options: SpawnOptions = {}): Started {
    if (this.stopping) throw new Error("the bench is stopping");
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    let tail = "";
    const keep = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-8000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const started: Started = { name, pid: child.pid, child, output: () => tail };
    this.running.set(child.pid, started);
    child.once("exit", () => this.running.delete(child.pid!));
    return started;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(p: Started, graceMs = 6000): Promise<void> {
    const { child } = p;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Something to undo at the end that is not a child process (RGW's daemons, temp dirs). */
  onCleanup(name: string, async: () => Promise<void>, sync: () => void) {
    this.cleanups.push({ name, async, sync });
  }

  /** Stops every child process still running (the cleanups stay for the end). */
  async stopProcesses(): Promise<void> {
    await Promise.all([...this.running.values()].map((p) => this.stop(p)));
  }

  async stopAll(): Promise<void> {
    await this.stopProcesses();
    while (this.cleanups.length) {
      const c = this.cleanups.pop()!;
      try {
        await c.async();
      } catch (e) {
        console.error(`bench: cleanup of ${c.name} failed: ${(e as Error).message}`);
      }
    }
  }

  /** Last resort on exit: SIGKILL what is left, then run the synchronous cleanups. */
  killAllSync() {
    for (const p of this.running.values()) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    this.running.clear();
    while (this.cleanups.length) {
      const c = this.cleanups.pop()!;
      try {
        c.sync();
      } catch (e) {
        console.error(`bench: cleanup of ${c.name} failed: ${(e as Error).message}`);
      }
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns true; fails early when `p` exits. */
export async function waitUntil(what: string, p: Started | null, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p && (p.child.exitCode !== null || p.child.signalCode !== null)) {
      throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}) before ${what}:\n${p.output()}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${p ? `:\n${p.output()}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}
