import { randomUUID } from "node:crypto";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors/app-error";
import { createUser, listUsers, setRole, signInWithCredentials, signUp, verifyCredentials } from "@/server/auth/auth.service";
import { authenticateApiToken, hashToken } from "@/server/auth/api-token.service";
import { callerFor, createTestUser, uniqueEmail, TEST_PASSWORD } from "@/server/test/factories";
import { resetDatabase, useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { overHttp, rejectionOf } from "@/server/test/trpc-over-http";

const t = useTestDatabase();

const signUpInput = (email = uniqueEmail(), password = TEST_PASSWORD) => ({ email, name: "Test Person", password });

describe("sign-up", () => {
  it("makes the first account ADMIN and the next ones USER, each with a root folder", async () => {
    await resetDatabase();
    const first = await callerFor(null).auth.signUp(signUpInput());
    const second = await callerFor(null).auth.signUp(signUpInput());
    expect(first.role).toBe("ADMIN");
    expect(second.role).toBe("USER");
    for (const u of [first, second]) {
      expect(await t.prisma.node.count({ where: { rootOwnerId: u.id, kind: "FOLDER", parentId: null } })).toBe(1);
    }
    expect(await t.prisma.auditEvent.count({ where: { action: "user.signup", targetId: { in: [first.id, second.id] } } })).toBe(2);
  });

  it("refuses an email that is already taken, whatever its case", async () => {
    const local = `dup-${randomUUID().slice(0, 8)}`;
    const created = await callerFor(null).auth.signUp(signUpInput(`${local}@example.com`));
    expect(created.email).toBe(`${local}@example.com`);
    const err = await rejectionOf(callerFor(null).auth.signUp(signUpInput(`  ${local.toUpperCase()}@EXAMPLE.com `)));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toBe("An account with this email already exists.");
    expect(await t.prisma.user.count({ where: { email: { equals: `${local}@example.com`, mode: "insensitive" } } })).toBe(1);
  });

  it("with SIGNUP=closed lets only the first account sign itself up; an admin still creates accounts", async () => {
    await resetDatabase();
    await withTestEnv({ SIGNUP: "closed" }, async () => {
      expect(await callerFor(null).auth.config()).toEqual({ signup: "closed" });
      const admin = await signUp(signUpInput());
      expect(admin.role).toBe("ADMIN");

      const refusedEmail = uniqueEmail("refused");
      const err = await rejectionOf(callerFor(null).auth.signUp(signUpInput(refusedEmail)));
      expect(err.code).toBe("FORBIDDEN");
      expect(err.message).toBe("Sign-up is closed on this server. Ask an administrator for an account.");
      expect(await t.prisma.user.count({ where: { email: refusedEmail } })).toBe(0);

      const made = await createUser({ actor: { userId: admin.id, role: "ADMIN", via: "session" }, email: refusedEmail, password: TEST_PASSWORD });
      expect(made).toMatchObject({ email: refusedEmail, role: "USER" });
    });
    expect(await callerFor(null).auth.config()).toEqual({ signup: "open" });
  });

  it("requires passwords of at least 12 characters, and says so", async () => {
    const err = await rejectionOf(callerFor(null).auth.signUp(signUpInput(uniqueEmail(), "elevenchars")));
    expect(err.code).toBe("BAD_REQUEST");

    const shown = await overHttp("auth.signUp", { actor: null, locale: "en", meta: {} }, signUpInput(uniqueEmail(), "elevenchars"));
    expect(shown.status).toBe(400);
    expect(shown.error?.message).toBe("Use at least 12 characters for the password.");
    expect(shown.error?.data.fieldErrors).toEqual({ password: "Use at least 12 characters for the password." });

    const ok = await callerFor(null).auth.signUp(signUpInput(uniqueEmail(), "twelve-chars"));
    expect(ok.role).toBe("USER");
  });
});

describe("credentials", () => {
  it("answers a wrong password and an unknown email with the same error, and audits both", async () => {
    const { user } = await createTestUser();
    const wrongPassword = await rejectionOf(verifyCredentials({ email: user.email, password: "not the password" }));
    const unknownEmail = uniqueEmail("nobody");
    const unknown = await rejectionOf(verifyCredentials({ email: unknownEmail, password: TEST_PASSWORD }));

    expect(wrongPassword).toBeInstanceOf(AppError);
    expect(unknown).toBeInstanceOf(AppError);
    expect(wrongPassword.code).toBe("UNAUTHORIZED");
    expect(unknown.code).toBe(wrongPassword.code);
    expect(unknown.message).toBe(wrongPassword.message);
    expect(wrongPassword.message).toBe("Email or password is incorrect.");

    const failures = await t.prisma.auditEvent.findMany({ where: { action: "auth.signin.failure", OR: [{ actorId: user.id }, { data: { path: ["email"], equals: unknownEmail } }] } });
    expect(failures.map((f) => f.actorId).sort()).toEqual([null, user.id].sort());
  });

  it("signs in with the right password (email in any case) and audits the success", async () => {
    const { user, password } = await createTestUser();
    const signedIn = await signInWithCredentials({ email: user.email.toUpperCase(), password, meta: { ip: "127.0.0.9", userAgent: "vitest" } });
    expect(signedIn).toMatchObject({ id: user.id, email: user.email, role: "USER", sessionVersion: 0 });
    const rows = await t.prisma.auditEvent.findMany({ where: { action: "auth.signin.success", targetId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: user.id, ip: "127.0.0.9", userAgent: "vitest" });
  });

  it("stops guessers per address without locking the owner out: ten addresses guessing leave the right password working", async () => {
    const { user, password } = await createTestUser();
    const signIn = (ip: string, pw: string) => signInWithCredentials({ email: user.email, password: pw, meta: { ip, userAgent: "vitest" } });
    await signIn("10.17.6.1", password); // the owner's own address
    for (let i = 0; i < 10; i++) expect((await rejectionOf(signIn(`10.66.0.${i}`, "a wrong guess"))).code).toBe("UNAUTHORIZED");

    // The owner from their own address, and even from a new one, still gets in.
    expect((await signIn("10.17.6.1", password)).id).toBe(user.id);
    expect((await signIn("10.17.6.2", password)).id).toBe(user.id);
    // Strangers now share a slow lane (one attempt per 10 s, just taken by the new address): the
    // next guess waits; the owner's familiar address does not.
    const slowed = await rejectionOf(signIn("10.66.1.2", "another guess"));
    expect(slowed.code).toBe("TOO_MANY_REQUESTS");
    expect((slowed as AppError).retryAfterSeconds).toBeLessThanOrEqual(10);
    expect((await signIn("10.17.6.1", password)).id).toBe(user.id);

    // One address guessing at one account is stopped after ten, for the right password too.
    for (let i = 0; i < 10; i++) await rejectionOf(verifyCredentials({ email: user.email, password: "guess", meta: { ip: "10.17.6.1" } }));
    expect((await rejectionOf(signIn("10.17.6.1", password))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("changes a password only with the current one, and ends other sessions", async () => {
    const { user, actor, password } = await createTestUser();
    const caller = callerFor(actor);

    const wrong = await rejectionOf(caller.auth.changePassword({ currentPassword: "not the password", newPassword: "a brand new passphrase" }));
    expect(wrong.code).toBe("BAD_REQUEST");
    expect(wrong.message).toBe("The current password is incorrect.");
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(0);

    const tooShort = await rejectionOf(caller.auth.changePassword({ currentPassword: password, newPassword: "short" }));
    expect(tooShort.code).toBe("BAD_REQUEST");

    await caller.auth.changePassword({ currentPassword: password, newPassword: "a brand new passphrase" });
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(1);
    expect((await rejectionOf(verifyCredentials({ email: user.email, password }))).code).toBe("UNAUTHORIZED");
    expect((await verifyCredentials({ email: user.email, password: "a brand new passphrase" })).sessionVersion).toBe(1);
  });
});

describe("API tokens", () => {
  it("shows the secret once; the list never contains the secret or its hash", async () => {
    const { actor } = await createTestUser();
    const caller = callerFor(actor);
    const created = await caller.auth.tokens.create({ name: "backup script" });
    expect(created.token).toMatch(/^ypt_[\w-]{43}$/);
    expect(created.apiToken).toMatchObject({ name: "backup script", prefix: created.token.slice(0, 10), lastUsedAt: null });

    const list = await caller.auth.tokens.list();
    expect(list).toHaveLength(1);
    expect(Object.keys(list[0]!).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name", "prefix"]);
    const serialized = JSON.stringify(superjson.serialize(list));
    expect(serialized).not.toContain(created.token);
    expect(serialized).not.toContain(hashToken(created.token));

    expect(await authenticateApiToken(created.token)).toEqual({ userId: actor.userId, role: "USER", via: "token" });
    expect(await authenticateApiToken(created.token + "x")).toBeNull();
    expect(await authenticateApiToken("ypt_not-a-real-token")).toBeNull();
    expect(await authenticateApiToken(hashToken(created.token))).toBeNull();
  });

  it("answers another user's token id exactly like a random id, and a revoked token stops working", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const { token, apiToken } = await callerFor(owner.actor).auth.tokens.create({ name: "laptop" });

    const foreign = await rejectionOf(callerFor(other.actor).auth.tokens.revoke({ tokenId: apiToken.id }));
    const random = await rejectionOf(callerFor(other.actor).auth.tokens.revoke({ tokenId: randomUUID() }));
    expect(foreign.code).toBe("NOT_FOUND");
    expect({ code: foreign.code, message: foreign.message }).toEqual({ code: random.code, message: random.message });
    expect((await authenticateApiToken(token))?.userId).toBe(owner.user.id);

    await callerFor(owner.actor).auth.tokens.revoke({ tokenId: apiToken.id });
    expect(await authenticateApiToken(token)).toBeNull();
    expect(await callerFor(owner.actor).auth.tokens.list()).toEqual([]);
    expect((await rejectionOf(callerFor(owner.actor).auth.tokens.revoke({ tokenId: apiToken.id }))).code).toBe("NOT_FOUND");
  });

  it("does not authenticate the token of a disabled account", async () => {
    const { user, actor } = await createTestUser();
    const { token } = await callerFor(actor).auth.tokens.create({ name: "ci" });
    expect((await authenticateApiToken(token))?.userId).toBe(user.id);
    // No service disables accounts yet; the column is what every check reads.
    await t.prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await authenticateApiToken(token)).toBeNull();
    expect((await rejectionOf(verifyCredentials({ email: user.email, password: TEST_PASSWORD }))).code).toBe("FORBIDDEN");
  });
});

describe("admin-only actions", () => {
  it("refuse a USER with FORBIDDEN and change nothing", async () => {
    const { actor } = await createTestUser();
    const target = await createTestUser();
    const refused = await rejectionOf(setRole({ actor, email: target.user.email, role: "ADMIN" }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toBe("Only administrators can do this.");
    expect((await rejectionOf(setRole({ actor, email: (await t.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } })).email, role: "ADMIN" }))).code).toBe("FORBIDDEN");
    expect((await rejectionOf(createUser({ actor, email: uniqueEmail(), password: TEST_PASSWORD }))).code).toBe("FORBIDDEN");
    expect((await rejectionOf(listUsers({ actor }))).code).toBe("FORBIDDEN");
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: target.user.id } })).role).toBe("USER");
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } })).role).toBe("USER");
  });

  it("let an ADMIN change roles, but never remove the last administrator", async () => {
    await resetDatabase();
    const admin = await createTestUser({ role: "ADMIN" });
    const user = await createTestUser();
    expect((await setRole({ actor: admin.actor, email: user.user.email, role: "ADMIN" })).role).toBe("ADMIN");
    expect((await setRole({ actor: admin.actor, email: user.user.email, role: "USER" })).role).toBe("USER");
    const last = await rejectionOf(setRole({ actor: admin.actor, email: admin.user.email, role: "USER" }));
    expect(last.code).toBe("CONFLICT");
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: admin.user.id } })).role).toBe("ADMIN");
  });
});

describe("errors as the browser sees them", () => {
  it("are UNAUTHORIZED without a session", async () => {
    expect((await rejectionOf(callerFor(null).auth.me())).code).toBe("UNAUTHORIZED");
    expect((await rejectionOf(callerFor(null).auth.tokens.list())).code).toBe("UNAUTHORIZED");
  });

  it("are translated to Chinese when the request's locale is zh", async () => {
    const zh = await overHttp("auth.me", { actor: null, locale: "zh", meta: {} });
    expect(zh.status).toBe(401);
    expect(zh.error?.data.appCode).toBe("UNAUTHORIZED");
    expect(zh.error?.message).toBe("请先登录。");
    expect(zh.error?.message).toMatch(/[\u4e00-\u9fff]/);

    const en = await overHttp("auth.me", { actor: null, locale: "en", meta: {} });
    expect(en.error?.message).toBe("Please sign in to continue.");

    const zhField = await overHttp("auth.signUp", { actor: null, locale: "zh", meta: {} }, signUpInput(uniqueEmail(), "short"));
    expect(zhField.error?.message).toBe("密码至少需要 12 个字符。");
  });
});
