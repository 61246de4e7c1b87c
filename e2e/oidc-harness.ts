// For the single sign-on journey: a real OpenID provider (the oidc-provider package, its own
// development login and consent screens) and Yunpan servers configured for it, each on 127.0.0.1
// at a free port, each stopped by its PID.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer, type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Provider from "oidc-provider";

export const CLIENT = { id: "yunpan", secret: "yunpan-e2e-client-secret-0123456789" };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The `groups` claim each login name carries (none unless a test sets it; it may change between sign-ins). */
export const accountGroups = new Map<string, string[]>();

/**
 * The provider: any login name signs in; "x@y" logs in as that email (verified), else
 * name@sso.example.com. Each account has a `groups` claim (profile scope) from `accountGroups`.
 */
export async function startOidcProvider(redirectUris: string[]): Promise<{ issuer: string; close(): Promise<void> }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: redirectUris, grant_types: ["authorization_code"], response_types: ["code"] }],
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({
        sub: `sub-${id}`,
        email: id.includes("@") ? id : `${id}@sso.example.com`,
        email_verified: true,
        name: id.split("@")[0],
        groups: accountGroups.get(id) ?? [],
      }),
    }),
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    cookies: { keys: ["e2e-cookie-key-0123456789"] },
    features: { devInteractions: { enabled: true } },
  });
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface YunpanServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** The production build (dist/server.mjs) on its own empty data directory and port. */
export async function startYunpan(port: number, env: Record<string, string>): Promise<YunpanServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "yunpan-e2e-oidc-"));
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["dist/server.mjs"], {
    env: { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), BASE_URL: url, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  // The same patience as server/test/server-process.ts: a cold start (PGlite, migrations) on an
  // overloaded machine took more than 90 s in CI run I.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Yunpan exited with ${child.exitCode}`);
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("Yunpan did not start");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dataDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}

/** The admin CLI against one of these servers (through its socket in the data directory). */
export function adminCliFor(dataDir: string, args: string[]): unknown {
  const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  // The JSON answer (an object or a list) starts at the first line that opens one.
  return JSON.parse(out.slice(out.search(/^[[{]/m)));
}
