// Yunpan's admin CLI, like Nextcloud's occ:  npm run admin -- <command> [--flag value]…
// With a running server it goes through the server's socket in DATA_DIR (PGlite allows one
// process); with no server it opens the data directory itself, under the same lock.
import { connect } from "node:net";
import { existsSync } from "node:fs";
import { adminCommands, runAdminCommand } from "@/server/admin/admin-commands";
import { adminSocketPath, describeError } from "@/server/admin/admin-socket";
import { readDirLockOwner } from "@/server/db/lock";
import { openDatabase, setDatabase } from "@/server/db/client";
import { EnvError, getEnv } from "@/server/env";
import { flushJobAnnouncements } from "@/server/jobs/queue";

function parseArgs(argv: string[]): { command: string; args: Record<string, unknown>; passwordStdin: boolean } {
  const [command = "help", ...rest] = argv;
  const args: Record<string, unknown> = {};
  let passwordStdin = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    // Plain words (`groups add Sales a@example.com`) go to the command as `_`, in order.
    if (!flag.startsWith("--")) {
      ((args._ ??= []) as string[]).push(flag);
      continue;
    }
    const key = flag.slice(2);
    if (key === "password-stdin") passwordStdin = true;
    else if (key === "admin") args.admin = true;
    else {
      const value = rest[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      args[key] = value;
    }
  }
  return { command, args, passwordStdin };
}

async function readStdinLine(): Promise<string> {
  let data = "";
  for await (const chunk of process.stdin) data += chunk;
  return data.split(/\r?\n/, 1)[0] ?? "";
}

function viaSocket(socketPath: string, command: string, args: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath, () => socket.write(JSON.stringify({ command, args }) + "\n"));
    let buf = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (buf += d));
    socket.on("error", reject);
    socket.on("end", () => {
      try {
        const reply = JSON.parse(buf) as { ok: boolean; result?: unknown; error?: string };
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error));
      } catch {
        reject(new Error("the server gave no answer"));
      }
    });
  });
}

async function main() {
  const { command, args, passwordStdin } = parseArgs(process.argv.slice(2));
  if (command === "help" || !(command in adminCommands)) {
    if (command !== "help") console.error(`Unknown command "${command}".\n`);
    console.error("Usage: npm run admin -- <command>\n");
    for (const spec of Object.values(adminCommands)) console.error(`  ${spec.usage}`);
    process.exit(command === "help" ? 0 : 2);
  }
  if (passwordStdin) args.password = await readStdinLine();
  const env = getEnv();

  let result: unknown;
  const owner = env.databaseUrl ? null : readDirLockOwner(env.dataDir);
  if (owner && existsSync(adminSocketPath(env.dataDir))) {
    result = await viaSocket(adminSocketPath(env.dataDir), command, args);
  } else {
    const db = env.databaseUrl
      ? openDatabase({ mode: "postgres", url: env.databaseUrl })
      : openDatabase({ mode: "embedded", dataDir: env.dataDir });
    setDatabase(db);
    try {
      result = await runAdminCommand(command, args);
      // Jobs the command queued (a deletion, a reindex) are announced to the servers before the exit.
      await flushJobAnnouncements();
    } finally {
      await (await db).close();
    }
  }
  // Written out in full before the exit below (stdout to a pipe is asynchronous).
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(result, null, 2) + "\n", () => resolve()));
}

// Exit once the answer is out: a command may have opened clients that keep the event loop alive
// (with REDIS_URL, a rate limit's Redis connection), and a CLI must not hang on them.
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof EnvError ? e.message : `Error: ${describeError(e)}`);
    process.exit(1);
  },
);
