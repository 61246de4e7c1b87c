// What the test harnesses (with-postgres.mjs, with-s3.mjs) share: cleanup that runs on exit and on
// signals, and running the wrapped command with its exit code passed through.
import { spawn } from "node:child_process";
import os from "node:os";

/**
 * Installs `cleanup` (synchronous, so it also runs from process.on("exit")) for exit and for
 * SIGINT/SIGTERM/SIGHUP. While the wrapped command runs, a signal goes to it instead: it decides how
 * to stop, and its exit then runs the cleanup. `onSignal` runs first when nothing is wrapped yet
 * (e.g. to kill a starter process).
 */
export function harnessLifecycle(name, cleanup, onSignal = () => {}) {
  let child = null;
  let exiting = false;
  process.on("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        return;
      }
      if (exiting) return;
      exiting = true;
      onSignal();
      cleanup();
      process.exit(128 + os.constants.signals[signal]);
    });
  }
  return {
    /** Runs the command with `env`, then cleans up and exits with its code. */
    async runAndExit(command, args, env) {
      child = spawn(command, args, { stdio: "inherit", env });
      const code = await new Promise((resolve) => {
        child.once("error", (e) => {
          console.error(`${name}: cannot run ${command}: ${e.message}`);
          resolve(127);
        });
        child.once("exit", (c, signal) => resolve(c ?? 128 + (os.constants.signals[signal] ?? 0)));
      });
      cleanup();
      process.exit(code);
    },
  };
}
