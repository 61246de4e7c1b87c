import { createServer, type Server } from "node:net";
import { chmod, rm } from "node:fs/promises";
import path from "node:path";
import { runAdminCommand } from "@/server/admin/admin-commands";
import { AppError } from "@/server/errors/app-error";
import { translateIssue } from "@/server/i18n/issue";
import { ZodError } from "zod";

export const adminSocketPath = (dataDir: string) => path.join(dataDir, "admin.sock");

export function describeError(e: unknown): string {
  if (e instanceof ZodError) return translateIssue(e.issues[0]?.message ?? "input.invalid", "en");
  if (e instanceof AppError) return e.message;
  return (e as Error).message ?? String(e);
}

/**
 * While the server holds the data directory, the admin CLI talks to it through a Unix socket in
 * that directory (mode 0600: only the account that runs Yunpan can use it), one JSON line each way.
 */
export async function startAdminSocket(dataDir: string): Promise<Server> {
  const file = adminSocketPath(dataDir);
  await rm(file, { force: true });
  const server = createServer((socket) => {
    let buf = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      void (async () => {
        try {
          const { command, args } = JSON.parse(line) as { command: string; args: Record<string, unknown> };
          socket.end(JSON.stringify({ ok: true, result: await runAdminCommand(command, args) }) + "\n");
        } catch (e) {
          socket.end(JSON.stringify({ ok: false, error: describeError(e) }) + "\n");
        }
      })();
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(file, resolve));
  await chmod(file, 0o600);
  server.on("close", () => void rm(file, { force: true }));
  return server;
}
