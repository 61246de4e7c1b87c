import { expect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { PASSWORD, screenshot, signUp } from "./helpers";
import { accountGroups, adminCliFor, CLIENT, freePort, startOidcProvider, startYunpan, type YunpanServer } from "./oidc-harness";

const codeFor = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();

/** Colour scheme switched, then one frame of CSS transitions (inputs, buttons) let finish. */
async function scheme(page: Page, colorScheme: "light" | "dark") {
  await page.emulateMedia({ colorScheme });
  await page.waitForTimeout(400);
}

async function signOut(page: Page) {
  await page.context().clearCookies();
}

async function passwordStep(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("totp-step")).toBeVisible();
}

test("two-factor sign-in: enroll, sign in with a code, a wrong code fails, a recovery code works once", async ({ page }, testInfo) => {
  const email = `dana-${Date.now()}@example.com`;
  await signUp(page, { name: "Dana", email });

  await page.goto("/settings/security");
  await expect(page.getByTestId("two-factor-status")).toHaveText("Off");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s+/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await screenshot(page, testInfo, "security-enroll-light");
  await page.getByLabel("Authentication code").fill(codeFor(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("recovery-code")).toHaveCount(10);
  const recovery = await page.getByTestId("recovery-code").allTextContents();
  await screenshot(page, testInfo, "security-recovery-codes-light");
  await page.getByRole("button", { name: "I saved them" }).click();
  await expect(page.getByTestId("two-factor-status")).toHaveText("On");
  await scheme(page, "dark");
  await screenshot(page, testInfo, "security-settings-dark");
  await scheme(page, "light");
  await screenshot(page, testInfo, "security-settings-light");

  // Sign out; the password alone is not enough any more.
  await signOut(page);
  await passwordStep(page, email);
  await screenshot(page, testInfo, "security-2fa-step-light");
  await page.getByLabel("Authentication code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("That code is not right. Check your authenticator app and try again.");
  await scheme(page, "dark");
  await screenshot(page, testInfo, "security-2fa-step-dark");
  await scheme(page, "light");
  await page.getByLabel("Authentication code").fill(codeFor(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/drive$/);

  // A recovery code signs in once.
  await signOut(page);
  await passwordStep(page, email);
  await page.getByLabel("Authentication code").fill(recovery[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/drive$/);
  await signOut(page);
  await passwordStep(page, email);
  await page.getByLabel("Authentication code").fill(recovery[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("form-error")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);

  // Chinese: the second step speaks the reader's language.
  await page.getByRole("button", { name: "Use another account" }).click();
  await page.context().addCookies([{ name: "yp-locale", value: "zh", url: page.url() }]);
  await page.reload();
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByText("两步验证")).toBeVisible();
  await screenshot(page, testInfo, "security-2fa-step-zh");
});

test.describe("single sign-on with a real OpenID provider on loopback", () => {
  let provider: Awaited<ReturnType<typeof startOidcProvider>>;
  let open: YunpanServer;
  let closed: YunpanServer;

  test.beforeAll(async () => {
    // Two production servers and two admin CLI runs: generous on a busy 2-core machine.
    test.setTimeout(420_000);
    const [openPort, closedPort] = [await freePort(), await freePort()];
    provider = await startOidcProvider([openPort, closedPort].map((p) => `http://127.0.0.1:${p}/api/auth/callback/oidc`));
    const sso = { OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: CLIENT.id, OIDC_CLIENT_SECRET: CLIENT.secret, OIDC_NAME: "Acme SSO" };
    // Side by side: one after the other, two cold starts could outlast the hook on a busy machine.
    [open, closed] = await Promise.all([
      startYunpan(openPort, { ...sso, SIGNUP: "open", OIDC_GROUPS_CLAIM: "groups" }),
      startYunpan(closedPort, { ...sso, SIGNUP: "closed" }),
    ]);
    // The first account of a server is its admin; made here so sign-in is not redirected to sign-up.
    for (const s of [open, closed]) adminCliFor(s.dataDir, ["create-user", "--email", `admin@${new URL(s.url).port}.example.com`, "--admin", "--password", PASSWORD]);
  });

  test.afterAll(async () => {
    await open?.stop();
    await closed?.stop();
    await provider?.close();
  });

  /** The provider's development login and consent screens. */
  async function providerLogin(page: Page, login: string) {
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("anything");
    await page.locator('button[type="submit"]').click();
    const consent = page.locator('button[type="submit"]', { hasText: /continue/i });
    if (await consent.isVisible().catch(() => false)) await consent.click();
  }

  test("a first sign-in creates the account; an existing account links after its password", async ({ page }, testInfo) => {
    await page.goto(`${open.url}/sign-in`);
    await screenshot(page, testInfo, "sso-sign-in-light");
    await page.getByRole("button", { name: "Continue with Acme SSO" }).click();
    await providerLogin(page, "frank");
    await expect(page).toHaveURL(`${open.url}/drive`);
    await page.goto(`${open.url}/settings/security`);
    await expect(page.getByTestId("linked-row")).toContainText("frank@sso.example.com");

    // An account that exists with the same (verified) email: linked only after its password.
    await page.context().clearCookies();
    const email = `grace-${Date.now()}@example.com`;
    adminCliFor(open.dataDir, ["create-user", "--email", email, "--password", PASSWORD]);
    await page.goto(`${open.url}/sign-in`);
    await page.getByRole("button", { name: "Continue with Acme SSO" }).click();
    await providerLogin(page, email);
    await expect(page.getByTestId("link-account")).toBeVisible();
    await screenshot(page, testInfo, "sso-link-light");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Link and sign in" }).click();
    await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Link and sign in" }).click();
    const consent = page.locator('button[type="submit"]', { hasText: /continue/i });
    await expect(page).toHaveURL(new RegExp(`${open.url}/drive|/interaction/`));
    if (await consent.isVisible().catch(() => false)) await consent.click();
    await expect(page).toHaveURL(`${open.url}/drive`);
    await page.goto(`${open.url}/settings/security`);
    await expect(page.getByTestId("linked-row")).toContainText(email);
  });

  test("the groups claim adds and removes memberships at every sign-in; an admin's own stay", async ({ page }) => {
    const members = (group: string) => (adminCliFor(open.dataDir, ["groups", "members", group]) as { email: string; source: string }[]).map((m) => `${m.email}:${m.source}`);
    const signInAs = async (login: string) => {
      await page.context().clearCookies();
      await page.goto(`${open.url}/sign-in`);
      await page.getByRole("button", { name: "Continue with Acme SSO" }).click();
      await providerLogin(page, login);
      await expect(page).toHaveURL(`${open.url}/drive`);
    };
    accountGroups.set("gwen", ["Sales", "Ops"]);
    await signInAs("gwen");
    expect(members("Sales")).toEqual(["gwen@sso.example.com:oidc"]);
    expect(members("Ops")).toEqual(["gwen@sso.example.com:oidc"]);
    adminCliFor(open.dataDir, ["groups", "create", "Board"]);
    adminCliFor(open.dataDir, ["groups", "add", "Board", "gwen@sso.example.com"]);

    // The provider drops Ops and adds Legal: the next sign-in follows; the admin's Board stays.
    accountGroups.set("gwen", ["sales", "Legal"]);
    await signInAs("gwen");
    expect(members("Sales")).toEqual(["gwen@sso.example.com:oidc"]);
    expect(members("Ops")).toEqual([]);
    expect(members("Legal")).toEqual(["gwen@sso.example.com:oidc"]);
    expect(members("Board")).toEqual(["gwen@sso.example.com:local"]);
  });

  test("an admin requires two-factor for everyone; an account without it is led to set it up", async ({ page }, testInfo) => {
    const admin = `admin@${new URL(open.url).port}.example.com`;
    await page.goto(`${open.url}/sign-in`);
    await page.getByLabel("Email").fill(admin);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(`${open.url}/drive`);
    await page.goto(`${open.url}/settings/security`);
    await page.getByRole("radio", { name: "Required for everyone" }).click();
    await expect(page.getByRole("radio", { name: "Required for everyone" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByText("Your administrator requires two-factor sign-in")).toBeVisible();
    await screenshot(page, testInfo, "security-admin-policy-light");
    await page.goto(`${open.url}/drive`);
    await expect(page).toHaveURL(`${open.url}/settings/security`);
    // The server holds the same line: the drive's own calls answer 403 with the reason.
    const list = await page.request.get(`${open.url}/api/trpc/drive.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`);
    expect(list.status()).toBe(403);
    expect(await list.text()).toContain("requires two-factor sign-in");
    await expect(page.getByTestId("two-factor-status")).toHaveText("Off");
    await screenshot(page, testInfo, "security-policy-gated-light");
    await page.getByRole("radio", { name: "Optional for everyone" }).click();
    await expect(page.getByRole("radio", { name: "Optional for everyone" })).toHaveAttribute("aria-checked", "true");
  });

  test("closed sign-up refuses a new person", async ({ page }, testInfo) => {
    await page.goto(`${closed.url}/sign-in`);
    await page.getByRole("button", { name: "Continue with Acme SSO" }).click();
    await providerLogin(page, "heidi");
    await expect(page).toHaveURL(/\/sign-in\?error=auth\.signupClosed/);
    await expect(page.getByTestId("form-error")).toHaveText("Sign-up is closed on this server. Ask an administrator for an account.");
    await screenshot(page, testInfo, "sso-closed-light");
  });
});
