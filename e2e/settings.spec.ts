import { expect, test, type Browser, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { adminCli, PASSWORD, signedIn as signedInAs } from "./helpers";

// Admin → Settings: the admin closes sign-up and the sign-up page follows at once, without a
// restart; a bad value is refused inline; screenshots in light and dark, English and Chinese.

const ADMIN = "settings-admin@yunpan.test";

/** The whole page (every group), into E2E_SCREENSHOT_DIR like the other specs' screenshots. */
async function screenshot(page: Page, name: string) {
  const dir = process.env.E2E_SCREENSHOT_DIR ?? "test-results/screenshots";
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Signed in at this spec's window size. */
function signedIn(browser: Browser, email: string, opts: { locale?: "en" | "zh"; dark?: boolean } = {}) {
  return signedInAs(browser, email, { ...opts, viewport: { width: 1440, height: 1000 } });
}

test("the admin closes sign-up on the Settings page and the sign-up page follows without a restart", async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  // Not the first account (which may always sign up): another spec may have made one already.
  adminCli(["create-user", "--email", ADMIN, "--name", "Settings Admin", "--password", PASSWORD, "--admin"]);

  const visitor = await (await browser.newContext({ baseURL })).newPage();
  await visitor.goto("/sign-up");
  await expect(visitor.getByRole("button", { name: "Create account" })).toBeVisible();

  const admin = await signedIn(browser, ADMIN);
  await admin.goto("/admin/settings");
  const signup = admin.getByTestId("setting-signupPolicy");
  await expect(signup.getByRole("radio", { name: /^Open/ })).toHaveAttribute("aria-checked", "true");
  await signup.getByRole("radio", { name: /^Closed/ }).click();
  await admin.getByTestId("settings-save").click();
  await expect(admin.getByTestId("toast").filter({ hasText: "Settings saved" })).toBeVisible();

  // The sign-up page now sends visitors to sign-in, which no longer offers an account.
  await visitor.goto("/sign-up");
  await expect(visitor).toHaveURL(/\/sign-in$/);
  await expect(visitor.getByRole("link", { name: "Create an account" })).toHaveCount(0);

  // A bad value is refused inline, in the field's own words, and nothing is saved.
  const trash = admin.getByTestId("setting-trashDays");
  await trash.getByRole("spinbutton").fill("99999");
  await expect(trash.getByRole("alert")).toHaveText("Enter a whole number from 0 to 3650.");
  await screenshot(admin, "settings-invalid-en-light");
  await admin.getByRole("button", { name: "Discard" }).click();
  await expect(trash.getByRole("alert")).toHaveCount(0);

  // A setting the deployment fixes (when this run sets VERSIONS_KEEP) is shown read-only.
  if (process.env.VERSIONS_KEEP) {
    const fixed = admin.getByTestId("setting-versionsKeep");
    await expect(fixed.getByText("Set by VERSIONS_KEEP")).toBeVisible();
    await expect(fixed.getByRole("spinbutton")).toBeDisabled();
  }

  await screenshot(admin, "settings-en-light");
  for (const [locale, dark] of [["en", true], ["zh", false], ["zh", true]] as const) {
    const page = await signedIn(browser, ADMIN, { locale, dark });
    await page.goto("/admin/settings");
    await expect(page.getByTestId("setting-siteName")).toBeVisible();
    await page.getByTestId("setting-siteName").getByRole("textbox").fill("Acme 云盘");
    await expect(page.getByTestId("settings-save")).toBeVisible();
    await screenshot(page, `settings-${locale}-${dark ? "dark" : "light"}`);
    await page.context().close();
  }

  // Reopened: the sign-up form is back at once.
  await signup.getByRole("radio", { name: /^Open/ }).click();
  await admin.getByTestId("settings-save").click();
  await expect(admin.getByTestId("toast").filter({ hasText: "Settings saved" })).toBeVisible();
  await visitor.goto("/sign-up");
  await expect(visitor.getByRole("button", { name: "Create account" })).toBeVisible();
});
