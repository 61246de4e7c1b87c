import { mkdtemp, rm, stat } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCommand } from "@/server/admin/admin-commands";
import { adminSocketPath, describeError, startAdminSocket } from "@/server/admin/admin-socket";
import { authenticateApiToken } from "@/server/auth/api-token.service";
import { verifyCredentials } from "@/server/auth/auth.service";
import { TEST_PASSWORD, uniqueEmail } from "@/server/test/factories";
import { useTestDatabase } from "@/server/test/test-db";

const t = useTestDatabase();

async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the command to fail, but it succeeded");
}

describe("admin commands", () => {
  it("create-user makes a USER by default and an ADMIN with --admin, each with a root folder", async () => {
    const email = uniqueEmail("cli");
    const made = await runAdminCommand("create-user", { email, name: "From CLI", password: TEST_PASSWORD });
    expect(made).toMatchObject({ email, name: "From CLI", role: "USER" });
    const admin = await runAdminCommand("create-user", { email: uniqueEmail("cli-admin"), admin: true, password: TEST_PASSWORD });
    expect(admin).toMatchObject({ role: "ADMIN" });
    const row = await t.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(await t.prisma.node.count({ where: { rootOwnerId: row.id } })).toBe(1);
    expect((await verifyCredentials({ email, password: TEST_PASSWORD })).id).toBe(row.id);
    expect(await t.prisma.auditEvent.count({ where: { action: "admin.user.create", targetId: row.id, actorId: null } })).toBe(1);
  });

  it("create-user reports a taken email and a short password clearly", async () => {
    const email = uniqueEmail("taken");
    await runAdminCommand("create-user", { email, password: TEST_PASSWORD });
    expect((await rejectionOf(runAdminCommand("create-user", { email, password: TEST_PASSWORD }))).message).toBe(
      "An account with this email already exists.",
    );
    // The CLI and the socket print errors through describeError.
    const short = await rejectionOf(runAdminCommand("create-user", { email: uniqueEmail(), password: "short" }));
    expect(describeError(short)).toBe("Use at least 12 characters for the password.");
  });

  it("set-role changes the role", async () => {
    const email = uniqueEmail("role");
    await runAdminCommand("create-user", { email, password: TEST_PASSWORD });
    expect(await runAdminCommand("set-role", { email, role: "ADMIN" })).toMatchObject({ email, role: "ADMIN" });
    expect((await t.prisma.user.findUniqueOrThrow({ where: { email } })).role).toBe("ADMIN");
    expect(await runAdminCommand("set-role", { email, role: "USER" })).toMatchObject({ role: "USER" });
    expect((await rejectionOf(runAdminCommand("set-role", { email: uniqueEmail("ghost"), role: "ADMIN" }))).message).toBe(
      "There is no account with this email.",
    );
  });

  it("reset-password sets a new password and ends the account's sessions", async () => {
    const email = uniqueEmail("reset");
    await runAdminCommand("create-user", { email, password: TEST_PASSWORD });
    expect(await runAdminCommand("reset-password", { email, password: "another long passphrase" })).toEqual({ email, sessionsEnded: true });
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.sessionVersion).toBe(1);
    expect((await verifyCredentials({ email, password: "another long passphrase" })).id).toBe(user.id);
    expect((await rejectionOf(verifyCredentials({ email, password: TEST_PASSWORD }))).message).toBe("Email or password is incorrect.");
  });

  it("create-token prints a token that authenticates as the user", async () => {
    const email = uniqueEmail("token");
    await runAdminCommand("create-user", { email, password: TEST_PASSWORD });
    const out = (await runAdminCommand("create-token", { email, name: "sync" })) as { token: string; id: string; name: string };
    expect(out.name).toBe("sync");
    expect(out.token).toMatch(/^ypt_/);
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(await authenticateApiToken(out.token)).toEqual({ userId: user.id, role: "USER", via: "token" });
    expect((await t.prisma.apiToken.findUniqueOrThrow({ where: { id: out.id } })).userId).toBe(user.id);
  });

  it("list-users lists every account without secrets", async () => {
    const email = uniqueEmail("listed");
    await runAdminCommand("create-user", { email, name: "Listed", password: TEST_PASSWORD });
    const users = (await runAdminCommand("list-users", {})) as Record<string, unknown>[];
    expect(users.length).toBe(await t.prisma.user.count());
    expect(users).toContainEqual({ email, name: "Listed", role: "USER", usedBytes: 0 });
    expect(JSON.stringify(users)).not.toMatch(/argon2|passwordHash/);
  });

  it("rejects an unknown command and bad arguments with a clear message", async () => {
    expect((await rejectionOf(runAdminCommand("drop-everything", {}))).message).toBe('unknown command "drop-everything"');
    expect((await rejectionOf(runAdminCommand("create-user", { email: "a@example.com" }))).message).toBe(
      "usage: create-user --email E [--name N] [--admin] (--password P | --password-stdin)",
    );
    expect((await rejectionOf(runAdminCommand("set-role", { email: "a@example.com", role: "ROOT" }))).message).toBe(
      "usage: set-role --email E --role USER|ADMIN",
    );
  });
});

describe("admin socket", () => {
  let dir: string;
  let server: Server;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "yp-admin-"));
    server = await startAdminSocket(dir);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  /** One JSON line each way, as the CLI speaks it. */
  function send(request: unknown): Promise<{ ok: boolean; result?: unknown; error?: string }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(adminSocketPath(dir));
      let buf = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (buf += chunk));
      socket.on("end", () => {
        try {
          resolve(JSON.parse(buf));
        } catch (e) {
          reject(e);
        }
      });
      socket.on("error", reject);
      socket.write(JSON.stringify(request) + "\n");
    });
  }

  it("is a 0600 socket in the data directory", async () => {
    const s = await stat(adminSocketPath(dir));
    expect(s.isSocket()).toBe(true);
    expect(s.mode & 0o777).toBe(0o600);
  });

  it("runs a command sent as a JSON line", async () => {
    const email = uniqueEmail("socket");
    const created = await send({ command: "create-user", args: { email, password: TEST_PASSWORD } });
    expect(created).toMatchObject({ ok: true, result: { email, role: "USER" } });
    const listed = await send({ command: "list-users", args: {} });
    expect(listed.ok).toBe(true);
    expect(listed.result).toContainEqual({ email, name: email.split("@")[0], role: "USER", usedBytes: 0 });
  });

  it("answers errors with ok:false and the message", async () => {
    expect(await send({ command: "nope", args: {} })).toEqual({ ok: false, error: 'unknown command "nope"' });
    expect(await send({ command: "create-user", args: { email: uniqueEmail(), password: "short" } })).toEqual({
      ok: false,
      error: "Use at least 12 characters for the password.",
    });
  });
});
