import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { signInWithCredentials } from "@/server/auth/auth.service";
import { callerFor, createTestUser, TEST_PASSWORD } from "@/server/test/factories";
import { rejectionOf } from "@/server/test/rejection";
import { AppError } from "@/server/errors/app-error";

/** The AppError a service call rejects with. */
async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}
import { useTestDatabase } from "@/server/test/test-db";

const t = useTestDatabase();

const codeFor = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

async function enrolledUser(role: "USER" | "ADMIN" = "USER") {
  const { user, actor } = await createTestUser({ role });
  const api = callerFor(actor);
  const { secret, otpauthUrl, qrSvg } = await api.security.totp.begin();
  expect(otpauthUrl).toContain(`secret=${secret}`);
  expect(qrSvg).toContain("<svg");
  const { recoveryCodes } = await api.security.totp.confirm({ code: codeFor(secret) });
  return { user, actor, api, secret, recoveryCodes };
}

describe("two-factor sign-in", () => {
  it("enrolls with a confirmation code, keeps the secret sealed and the recovery codes hashed", async () => {
    const { user, api, recoveryCodes } = await enrolledUser();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpEnabledAt).not.toBeNull();
    expect(row.totpSecret).toMatch(/^v1\./);
    const stored = await t.prisma.recoveryCode.findMany({ where: { userId: user.id } });
    expect(stored.map((r) => r.codeHash)).not.toContain(recoveryCodes[0]);
    expect((await api.security.overview()).recoveryCodesLeft).toBe(10);
  });

  it("refuses a wrong confirmation code", async () => {
    const { actor } = await createTestUser();
    const api = callerFor(actor);
    const { secret } = await api.security.totp.begin();
    const wrong = codeFor(secret, 5);
    expect((await rejectionOf(api.security.totp.confirm({ code: wrong }))).message).toBe("That code is not right. Check your authenticator app and try again.");
    expect((await api.security.overview()).totpEnabled).toBe(false);
  });

  it("asks for the code after the password; a wrong code fails; a recovery code works once", async () => {
    const { user, secret, recoveryCodes } = await enrolledUser();
    const creds = { email: user.email, password: TEST_PASSWORD };
    expect((await appErrorOf(signInWithCredentials(creds))).key).toBe("totp.required");
    expect((await appErrorOf(signInWithCredentials({ ...creds, code: "000000" }))).key).toBe("totp.invalidCode");
    expect((await signInWithCredentials({ ...creds, code: codeFor(secret) })).id).toBe(user.id);
    expect((await signInWithCredentials({ ...creds, code: recoveryCodes[3]!.toUpperCase() })).id).toBe(user.id);
    expect((await appErrorOf(signInWithCredentials({ ...creds, code: recoveryCodes[3]! }))).key).toBe("totp.invalidCode");
    const audit = await t.prisma.auditEvent.findMany({ where: { targetId: user.id, action: { startsWith: "auth.2fa" } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["auth.2fa.enable", "auth.2fa.failure", "auth.2fa.failure", "auth.2fa.recovery"]);
  });

  it("accepts an authenticator code only once", async () => {
    const { user, secret } = await enrolledUser();
    const creds = { email: user.email, password: TEST_PASSWORD };
    const code = codeFor(secret);
    expect((await signInWithCredentials({ ...creds, code })).id).toBe(user.id);
    expect((await appErrorOf(signInWithCredentials({ ...creds, code }))).key).toBe("totp.invalidCode");
  });

  it("rate-limits wrong codes per account", async () => {
    const { user, secret } = await enrolledUser();
    const creds = { email: user.email, password: TEST_PASSWORD };
    for (let i = 0; i < 5; i++) await rejectionOf(signInWithCredentials({ ...creds, code: "111111" }));
    const blocked = await appErrorOf(signInWithCredentials({ ...creds, code: codeFor(secret) }));
    expect(blocked.code).toBe("TOO_MANY_REQUESTS");
    expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("rate-limits wrong passwords per account with a bilingual message", async () => {
    const { user } = await createTestUser();
    for (let i = 0; i < 10; i++) await rejectionOf(signInWithCredentials({ email: user.email, password: "wrong wrong wrong" }));
    const blocked = await appErrorOf(signInWithCredentials({ email: user.email, password: TEST_PASSWORD }));
    expect(blocked.code).toBe("TOO_MANY_REQUESTS");
    expect(blocked.localized("zh")).toMatch(/尝试次数过多/);
  });

  it("disables only with a fresh code", async () => {
    const { user, api, secret } = await enrolledUser();
    expect((await rejectionOf(api.security.totp.disable({ code: "123456" }))).code).toBe("UNAUTHORIZED");
    await api.security.totp.disable({ code: codeFor(secret) });
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    expect(await t.prisma.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
  });

  it("lets admins set the policy and reset a user's 2FA (audited); users cannot", async () => {
    const { user, api: userApi } = await enrolledUser();
    const { actor: admin } = await createTestUser({ role: "ADMIN" });
    const adminApi = callerFor(admin);
    expect((await rejectionOf(userApi.security.setPolicy({ policy: "off" }))).code).toBe("FORBIDDEN");
    expect((await rejectionOf(userApi.security.resetUserTwoFactor({ userId: user.id }))).code).toBe("FORBIDDEN");
    await adminApi.security.setPolicy({ policy: "everyone" });
    expect(await adminApi.security.policy()).toBe("everyone");
    expect((await userApi.security.overview()).twoFactorRequired).toBe(true);
    await adminApi.security.setPolicy({ policy: "admins" });
    expect((await userApi.security.overview()).twoFactorRequired).toBe(false);
    await adminApi.security.resetUserTwoFactor({ userId: user.id });
    expect((await userApi.security.overview()).totpEnabled).toBe(false);
    const audit = await t.prisma.auditEvent.findFirst({ where: { action: "admin.2fa.reset", targetId: user.id } });
    expect(audit?.actorId).toBe(admin.userId);
    await adminApi.security.setPolicy({ policy: "off" });
  });
});
