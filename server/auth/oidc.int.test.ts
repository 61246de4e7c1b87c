import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { completeOidcSignIn, confirmOidcLink } from "@/server/auth/oidc.service";
import { signInWithCredentials } from "@/server/auth/auth.service";
import { createTestUser, TEST_PASSWORD, uniqueEmail } from "@/server/test/factories";
import { setTestEnv, useTestDatabase } from "@/server/test/test-db";
import { AppError } from "@/server/errors/app-error";

const t = useTestDatabase();

async function keyOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e.key;
}

const identity = (email: string, emailVerified = true) => ({ subject: randomUUID(), email, emailVerified, name: "Erin Example" });

describe("single sign-on (OpenID Connect)", () => {
  it("creates the account on a first sign-in and signs the same subject in afterwards", async () => {
    const id = identity(uniqueEmail("erin"));
    const first = await completeOidcSignIn({ identity: id });
    expect(first).toMatchObject({ kind: "signedIn", created: true });
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email: id.email } });
    expect(user.passwordHash).toBeNull();
    expect(await t.prisma.node.count({ where: { rootOwnerId: user.id } })).toBe(1);
    const again = await completeOidcSignIn({ identity: id });
    expect(again).toMatchObject({ kind: "signedIn", created: false, userId: user.id });
  });

  it("links an existing account only after its owner confirms with the password", async () => {
    const { user } = await createTestUser();
    const id = identity(user.email);
    const outcome = await completeOidcSignIn({ identity: id });
    if (outcome.kind !== "confirmLink") throw new Error("expected a link confirmation");
    expect(await t.prisma.linkedAccount.count({ where: { userId: user.id } })).toBe(0);
    expect(await keyOf(confirmOidcLink({ token: outcome.token, password: "not the password" }))).toBe("auth.invalidCredentials");
    expect(await keyOf(confirmOidcLink({ token: outcome.token + "x", password: TEST_PASSWORD }))).toBe("oidc.linkExpired");
    await confirmOidcLink({ token: outcome.token, password: TEST_PASSWORD });
    expect(await completeOidcSignIn({ identity: id })).toMatchObject({ kind: "signedIn", userId: user.id, created: false });
    expect(await t.prisma.auditEvent.count({ where: { action: "auth.oidc.link", targetId: user.id } })).toBe(1);
  });

  it("refuses an unverified email that matches an account, and refuses new accounts when sign-up is closed", async () => {
    const { user } = await createTestUser();
    expect(await keyOf(completeOidcSignIn({ identity: identity(user.email, false) }))).toBe("oidc.emailUnverified");
    setTestEnv({ SIGNUP: "closed" });
    try {
      const id = identity(uniqueEmail("closed"));
      expect(await keyOf(completeOidcSignIn({ identity: id }))).toBe("auth.signupClosed");
      expect(await t.prisma.user.count({ where: { email: id.email } })).toBe(0);
    } finally {
      setTestEnv({});
    }
  });

  it("with PASSWORD_LOGIN=false refuses passwords for users but not for admins", async () => {
    const { user } = await createTestUser();
    const { user: admin } = await createTestUser({ role: "ADMIN" });
    setTestEnv({ PASSWORD_LOGIN: "false" });
    try {
      expect(await keyOf(signInWithCredentials({ email: user.email, password: TEST_PASSWORD }))).toBe("auth.passwordLoginOff");
      expect((await signInWithCredentials({ email: admin.email, password: TEST_PASSWORD })).id).toBe(admin.id);
    } finally {
      setTestEnv({});
    }
  });
});
