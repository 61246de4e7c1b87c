import { expect, test, type Browser, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { adminCli, PASSWORD, signedIn as signedInAs } from "./helpers";

// Admin → Settings: the admin closes sign-up and the sign-up page follows at once, without a
// restart; a bad value is refused inline; screenshots in light and dark, English and Chinese.

const ADMIN = "settings-admin@yunpan.test";
const LOGO_ADMIN = "logo-admin@yunpan.test";
const SCIM_ADMIN = "scim-admin@yunpan.test";

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

test("the admin uploads a logo: the sidebar and the sign-in page show it; an SVG is refused; removing it brings the mark back", async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  adminCli(["create-user", "--email", LOGO_ADMIN, "--name", "Logo Admin", "--password", PASSWORD, "--admin"]);
  const admin = await signedIn(browser, LOGO_ADMIN);
  await admin.goto("/admin/settings");
  const row = admin.getByTestId("setting-siteLogo");
  await expect(row.getByText("Upload logo")).toBeVisible();

  // An SVG (script inside) is refused before it is sent, in plain words.
  await admin.getByTestId("logo-input").setInputFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') });
  await expect(admin.getByTestId("logo-error")).toHaveText("Choose a PNG, JPEG or WebP image for the logo.");

  const logo = await sharp({ create: { width: 128, height: 128, channels: 4, background: { r: 234, g: 88, b: 12, alpha: 1 } } })
    .composite([{ input: Buffer.from('<svg width="128" height="128"><circle cx="64" cy="64" r="36" fill="white"/></svg>') }])
    .png()
    .toBuffer();
  await admin.getByTestId("logo-input").setInputFiles({ name: "acme.png", mimeType: "image/png", buffer: logo });
  await expect(admin.getByTestId("toast").filter({ hasText: "Logo saved" })).toBeVisible();
  await expect(admin.getByTestId("logo-preview")).toBeVisible();
  await expect(admin.getByTestId("logo-error")).toHaveCount(0);

  // The sidebar shows it, and a visitor's sign-in page too, served as a PNG that is never sniffed.
  await admin.goto("/drive");
  const mark = admin.getByTestId("site-logo").first();
  await expect(mark).toBeVisible();
  const src = await mark.getAttribute("src");
  expect(src).toMatch(/^\/api\/site\/logo\?v=\w+$/);
  const visitor = await (await browser.newContext({ baseURL })).newPage();
  await visitor.goto("/sign-in");
  await expect(visitor.getByTestId("site-logo")).toHaveAttribute("src", src!);
  const served = await visitor.request.get(src!);
  expect(served.headers()["content-type"]).toBe("image/png");
  expect(served.headers()["x-content-type-options"]).toBe("nosniff");
  await screenshot(visitor, "sign-in-logo-en-light");

  // The test mail without a server says what is missing.
  await admin.goto("/admin/settings");
  await admin.getByTestId("smtp-test-send").click();
  await expect(admin.getByTestId("smtp-test-result")).toContainText("No SMTP server is set");

  // Screenshots of every group (rate limits, mail, the logo), light and dark, English and Chinese.
  for (const [locale, dark] of [["en", false], ["en", true], ["zh", false], ["zh", true]] as const) {
    const page = await signedIn(browser, LOGO_ADMIN, { locale, dark });
    await page.goto("/admin/settings");
    await expect(page.getByTestId("logo-preview")).toBeVisible();
    await expect(page.getByTestId("setting-smtpPassword")).toBeVisible();
    await screenshot(page, `settings-full-${locale}-${dark ? "dark" : "light"}`);
    await page.context().close();
  }

  await admin.getByTestId("logo-remove").click();
  await expect(admin.getByTestId("toast").filter({ hasText: "Logo removed" })).toBeVisible();
  await visitor.goto("/sign-in");
  await expect(visitor.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(visitor.getByTestId("site-logo")).toHaveCount(0);
  await visitor.context().close();
});

test("Admin → Directory sync: the SCIM URL, a token shown once, and revoking it", async ({ browser }) => {
  test.setTimeout(300_000);
  adminCli(["create-user", "--email", SCIM_ADMIN, "--name", "Scim Admin", "--password", PASSWORD, "--admin"]);
  const admin = await signedIn(browser, SCIM_ADMIN);
  await admin.goto("/admin");
  await admin.getByRole("link", { name: "Directory sync" }).click();
  await expect(admin.getByTestId("scim-base-url")).toHaveText(/\/scim\/v2$/);

  await admin.getByTestId("scim-token-name").fill("Entra ID production");
  await admin.getByTestId("scim-token-create").click();
  const secret = (await admin.getByTestId("scim-new-token").textContent()) ?? "";
  expect(secret).toMatch(/^ypscim_/);
  const row = admin.getByTestId("scim-token-row").filter({ hasText: "Entra ID production" });
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Never");
  await screenshot(admin, "scim-created-en-light");

  // The token works on /scim/v2 until it is revoked.
  const baseUrl = (await admin.getByTestId("scim-base-url").textContent())!;
  const users = () => admin.request.get(`${baseUrl}/Users`, { headers: { Authorization: `Bearer ${secret}` } });
  expect((await users()).status()).toBe(200);

  for (const [locale, dark] of [["en", false], ["en", true], ["zh", false], ["zh", true]] as const) {
    const page = await signedIn(browser, SCIM_ADMIN, { locale, dark });
    await page.goto("/admin/scim");
    await expect(page.getByTestId("scim-token-row").first()).toBeVisible();
    await screenshot(page, `scim-${locale}-${dark ? "dark" : "light"}`);
    await page.context().close();
  }
  // Shown once: after a reload only its prefix is left.
  await admin.reload();
  await expect(admin.getByTestId("scim-new-token")).toHaveCount(0);
  await expect(admin.getByText(secret)).toHaveCount(0);
  await screenshot(admin, "scim-fresh-gone-en-light");

  await row.getByRole("button", { name: "Revoke Entra ID production" }).click();
  await admin.getByRole("button", { name: "Revoke token" }).click();
  await expect(admin.getByTestId("toast").filter({ hasText: "is revoked" })).toBeVisible();
  await expect(row).toContainText("Revoked");
  expect((await users()).status()).toBe(401);
});
