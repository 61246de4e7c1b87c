import { expect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { PASSWORD, screenshot, signUp } from "./helpers";

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
