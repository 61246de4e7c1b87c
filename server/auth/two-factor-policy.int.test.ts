// The admin's two-factor policy holds on every door, not only in the browser: an account it
// requires 2FA of, without 2FA yet, can reach the security settings and nothing else, and its API
// tokens, app passwords and account password over WebDAV answer 403 saying what to do.
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser, TEST_PASSWORD } from "@/server/test/factories";
import { createTestSessionCookie, createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { rejectionOf } from "@/server/test/rejection";
import { createContext } from "@/server/trpc/init";
import { createCaller } from "@/server/runtime/trpc-router";
import { handleTrpcRequest } from "@/server/runtime/trpc-fetch-handler";

useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http.close());

const SETUP = /requires two-factor sign-in/;
const basic = (email: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${email}:${secret}`).toString("base64")}` });

test("policy 'everyone': an account without 2FA reaches only the security settings until it turns 2FA on", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const { user, actor } = await createTestUser();
  const file = await createTestFile({ actor, name: "plan.txt", content: "secret plan" });
  const token = await createTestToken(actor, "backup script");
  const cookie = await createTestSessionCookie(user.id);
  const download = `${http.baseUrl}/api/files/${file.id}/content`;
  const browser = async () => createCaller(await createContext({ cookie }));

  // Before the policy: every door is open.
  expect((await fetch(download, { headers: token.headers })).status).toBe(200);
  expect((await fetch(`${http.baseUrl}/dav/`, { method: "PROPFIND", headers: { ...basic(user.email, TEST_PASSWORD), Depth: "1" } })).status).toBe(207);

  await callerFor(admin.actor).security.setPolicy({ policy: "everyone" });

  // API token, app password and account password: 403 with the reason, nothing served.
  for (const headers of [token.headers, { cookie }]) {
    const res = await fetch(download, { headers });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(SETUP);
  }
  for (const secret of [token.token, TEST_PASSWORD]) {
    const res = await fetch(`${http.baseUrl}/dav/plan.txt`, { headers: basic(user.email, secret) });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(SETUP);
  }
  const wrong = await fetch(`${http.baseUrl}/dav/plan.txt`, { headers: basic(user.email, "not the password") });
  expect(wrong.status).toBe(401);
  const viaTrpc = await handleTrpcRequest(new Request("http://localhost/api/trpc/auth.me", { headers: token.headers }));
  expect(viaTrpc.status).toBe(403);
  const upload = await fetch(`${http.baseUrl}/api/upload`, { method: "POST", headers: { cookie, "Tus-Resumable": "1.0.0", "Upload-Length": "1" } });
  expect(upload.status).toBe(403);

  // The browser session: the drive refuses, the security settings answer.
  const api = await browser();
  const refused = await rejectionOf(api.drive.list({}));
  expect(refused.code).toBe("FORBIDDEN");
  expect(refused.message).toMatch(SETUP);
  expect((await rejectionOf(api.auth.tokens.create({ name: "one more" }))).code).toBe("FORBIDDEN");
  expect((await api.auth.me()).id).toBe(user.id);
  expect(await api.security.overview()).toMatchObject({ twoFactorRequired: true, totpEnabled: false });
  expect((await api.auth.tokens.list()).map((t) => t.name)).toEqual(["backup script"]);

  // Turning 2FA on through those same calls opens everything again.
  const { secret } = await api.security.totp.begin();
  const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
  await api.security.totp.confirm({ code });
  expect((await (await browser()).drive.list({})).items.map((n) => n.name)).toEqual(["plan.txt"]);
  expect((await fetch(download, { headers: token.headers })).status).toBe(200);
  expect((await fetch(download, { headers: { cookie } })).status).toBe(200);
  // The account password stays refused over WebDAV now that 2FA is on; the app password works.
  expect((await fetch(`${http.baseUrl}/dav/plan.txt`, { headers: basic(user.email, TEST_PASSWORD) })).status).toBe(401);
  expect((await fetch(`${http.baseUrl}/dav/plan.txt`, { headers: basic(user.email, token.token) })).status).toBe(200);

  await callerFor(admin.actor).security.setPolicy({ policy: "off" });
});

test("policy 'admins' holds back an admin without 2FA, not a user; turning the policy off lifts it at once", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const { user } = await createTestUser();
  await callerFor(admin.actor).security.setPolicy({ policy: "admins" });
  const asAdmin = createCaller(await createContext({ cookie: await createTestSessionCookie(admin.user.id) }));
  const refused = await rejectionOf(asAdmin.admin.overview());
  expect(refused.code).toBe("FORBIDDEN");
  expect(refused.message).toMatch(SETUP);
  const asUser = createCaller(await createContext({ cookie: await createTestSessionCookie(user.id) }));
  expect((await asUser.drive.list({})).items).toEqual([]);
  // The admin can still turn the policy off (security.*), and is let through at once.
  await asAdmin.security.setPolicy({ policy: "off" });
  const again = createCaller(await createContext({ cookie: await createTestSessionCookie(admin.user.id) }));
  await expect(again.admin.overview()).resolves.toBeTruthy();
});
