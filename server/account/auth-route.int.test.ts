// POST /api/auth (next-auth) before and around sign-in: the body is capped before next-auth reads
// it, and a sign-in while the database cannot be reached answers 503 with the database message
// (issue 17). next-auth runs for real: its core handler is called the way its App Router handler
// calls it (which needs Next's request scope for next/headers), with the app's authOptions.
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "@/server/auth/auth-options";
import { AUTH_MAX_BODY_BYTES, guardAuthPost } from "@/server/account/auth-route";
import { getDatabase, openDatabase, setDatabase } from "@/server/db/client";
import { createTestUser } from "@/server/test/factories";
import { TEST_NEXTAUTH_SECRET } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

useTestDatabase();

const BASE = "http://127.0.0.1:3999";
// next-auth's core and its Response conversion are not in its package exports: load them by path.
const load = createRequire(import.meta.url);
// "next-auth" resolves to <package>/index.js.
const nextAuthDir = path.dirname(load.resolve("next-auth"));
const { AuthHandler } = load(path.join(nextAuthDir, "core/index.js")) as { AuthHandler: (p: unknown) => Promise<unknown> };
const { getBody, toResponse } = load(path.join(nextAuthDir, "next/utils.js")) as {
  getBody: (req: Request) => Promise<Record<string, string> | undefined>;
  toResponse: (r: unknown) => Response;
};

/** next-auth's App Router handler (next-auth/next NextAuthRouteHandler) without next/headers. */
async function nextAuth(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const [action, providerId] = url.pathname.replace(/^\/api\/auth\//, "").split("/");
  const body = await getBody(req);
  const cookies = Object.fromEntries((req.headers.get("cookie") ?? "").split(/;\s*/).filter(Boolean).map((c) => [c.slice(0, c.indexOf("=")), decodeURIComponent(c.slice(c.indexOf("=") + 1))]));
  const internal = await AuthHandler({
    req: { body, query: Object.fromEntries(url.searchParams), cookies, headers: Object.fromEntries(req.headers), method: req.method, action, providerId, error: url.searchParams.get("error") ?? providerId },
    options: authOptions,
  });
  const res = toResponse(internal);
  const redirect = res.headers.get("Location");
  if (body?.json === "true" && redirect) {
    res.headers.delete("Location");
    res.headers.set("Content-Type", "application/json");
    return new Response(JSON.stringify({ url: redirect }), { status: (internal as { status?: number }).status, headers: res.headers });
  }
  return res;
}

/** A credentials sign-in as the sign-in form's `signIn("credentials", { redirect: false })` posts it. */
async function signIn(email: string, password: string, locale = "en") {
  const csrf = await nextAuth(new Request(`${BASE}/api/auth/csrf`));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const req = new Request(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", cookie, "Accept-Language": locale },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  return guardAuthPost(req, nextAuth);
}

beforeAll(() => {
  process.env.NEXTAUTH_SECRET = TEST_NEXTAUTH_SECRET;
  process.env.NEXTAUTH_URL = BASE;
  authOptions.secret = TEST_NEXTAUTH_SECRET;
});

describe("the /api/auth body cap", () => {
  const never = async (): Promise<Response> => {
    throw new Error("next-auth must not run on a body over the cap");
  };

  it("refuses a declared body over the cap unread, with a message in English and Chinese", async () => {
    const body = "a".repeat(AUTH_MAX_BODY_BYTES + 1);
    for (const [lang, text] of [
      ["en", "The request is too large: at most 64.0 KiB is accepted here."],
      ["zh-CN", "请求过大：此处最多接受 64.0 KiB。"],
    ]) {
      const req = new Request(`${BASE}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length), "Accept-Language": lang! },
        body,
      });
      const res = await guardAuthPost(req, never);
      expect(res.status).toBe(413);
      expect(res.headers.get("connection")).toBe("close");
      expect(await res.json()).toEqual({ code: "PAYLOAD_TOO_LARGE", message: text });
    }
  });

  it("stops reading a streamed body (no Content-Length) at the first chunk past the cap", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16 * 1024));
        // An endless body: only the cap ends it.
      },
    });
    const req = new Request(`${BASE}/api/auth/callback/credentials`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    const res = await guardAuthPost(req, never);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(AUTH_MAX_BODY_BYTES / (16 * 1024) + 3);
  });

  it("hands a body under the cap to next-auth unchanged", async () => {
    const { user } = await createTestUser({ password: "the right password 123" });
    const res = await signIn(user.email, "the right password 123");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { url: string }).url).not.toContain("error=");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token="))).toBe(true);
  });
});

describe("a sign-in while the database cannot be reached", () => {
  it("answers 503 with Retry-After and the database message, not next-auth's generic failure", async () => {
    const { user } = await createTestUser({ password: "the right password 123" });
    // PostgreSQL stopped: nothing listens on its port (a port just taken and released).
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const live = getDatabase();
    const dead = await openDatabase({ mode: "postgres", url: `postgresql://yunpan:x@127.0.0.1:${port}/yunpan`, migrate: false });
    setDatabase(Promise.resolve(dead));
    try {
      for (const [lang, text] of [
        ["en", "The database is unavailable right now; try again in a moment."],
        ["zh-CN", "数据库暂时不可用，请稍后重试。"],
      ]) {
        const res = await signIn(user.email, "the right password 123", lang);
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        const body = (await res.json()) as { url: string; message: string };
        // The sign-in form reads `error` from the url (next-auth's client) and shows its message.
        expect(new URL(body.url).searchParams.get("error")).toBe("db.unavailable");
        expect(body.message).toBe(text);
      }
    } finally {
      setDatabase(live);
      await dead.close();
    }
    // Back again: the same sign-in works.
    expect((await signIn(user.email, "the right password 123")).status).toBe(200);
  });
});

afterAll(() => {
  delete process.env.NEXTAUTH_URL;
});
