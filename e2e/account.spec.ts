import { expect, test } from "@playwright/test";
import { PASSWORD, screenshot, signIn, signUp } from "./helpers";

test("sign-in errors, session cookie flags, API tokens and password change", async ({ page, browser }, testInfo) => {
  const email = `carol-${Date.now()}@example.com`;
  await signUp(page, { name: "Carol", email });

  const session = (await page.context().cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");

  // Settings: create a token, shown once.
  await page.getByRole("link", { name: "Settings" }).first().click();
  await page.getByRole("link", { name: "Security" }).click();
  await page.getByLabel("App password name").fill("backup script");
  await page.getByRole("button", { name: "Create app password" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^ypt_/);
  await expect(page.getByTestId("token-row")).toContainText("backup script");
  await screenshot(page, testInfo, "10-settings-token");

  // The token works as a Bearer on tRPC, with no cookie at all.
  const anon = await browser.newContext();
  const me = await anon.request.get("/api/trpc/auth.me", { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect(JSON.stringify(await me.json())).toContain(email);
  expect((await anon.request.get("/api/trpc/auth.me")).status()).toBe(401);

  // Revoked: the next request is refused.
  await page.getByRole("button", { name: "Revoke backup script" }).click();
  await expect(page.getByTestId("token-row")).toHaveCount(0);
  expect((await anon.request.get("/api/trpc/auth.me", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(401);

  // Change the password: this browser stays signed in, another session is ended.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, email);
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
  await page.getByLabel("Confirm new password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed")).toBeVisible();
  await page.goto("/drive");
  await expect(page).toHaveURL(/\/drive$/);
  await otherPage.goto("/drive");
  await expect(otherPage).toHaveURL(/\/sign-in/);

  // Wrong password and unknown account read the same.
  await signInExpectingError(otherPage, email, PASSWORD);
  const wrong = await otherPage.getByTestId("form-error").textContent();
  await signInExpectingError(otherPage, "nobody@example.com", PASSWORD);
  expect(await otherPage.getByTestId("form-error").textContent()).toBe(wrong);
  expect(wrong).toBe("Email or password is incorrect.");
  await screenshot(otherPage, testInfo, "11-sign-in-error");
  await otherPage.emulateMedia({ colorScheme: "dark" });
  await otherPage.reload();
  await screenshot(otherPage, testInfo, "12-sign-in-dark");
  await signIn(otherPage, email, "a brand new passphrase");
  await other.close();

  // 中文: the switch changes every label and is remembered on the account.
  await page.goto("/drive");
  await page.getByRole("button", { name: "中文" }).first().click();
  await expect(page.getByRole("heading", { name: "您的云盘还是空的" })).toBeVisible();
  await expect(page.getByRole("button", { name: "新建文件夹" })).toBeVisible();
  await screenshot(page, testInfo, "14-drive-zh");
  const fresh = await browser.newContext();
  const again = await fresh.newPage();
  await again.goto("/sign-in");
  await again.getByLabel("Email").fill(email);
  await again.getByLabel("Password").fill("a brand new passphrase");
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again.getByRole("button", { name: "新建文件夹" })).toBeVisible();
  await fresh.close();
  await anon.close();
});

async function signInExpectingError(page: import("@playwright/test").Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toBeVisible();
}

test("sign-up explains every rule before sending", async ({ page }, testInfo) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Dan");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Use at least 12 characters for the password.")).toBeVisible();
  await screenshot(page, testInfo, "13-sign-up-errors");
});
