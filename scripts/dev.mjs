// Development: the same custom server (plain `next dev` has no tus endpoint), with Next in dev mode.
import { spawn } from "node:child_process";

const child = spawn(process.execPath, ["--import", "tsx", "server/runtime/main.ts"], {
  stdio: "inherit",
  env: { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "development", ...process.env },
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
