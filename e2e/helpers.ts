import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

/** A file of random bytes, made at run time (never committed). */
export function makeFile(testInfo: TestInfo, name: string, bytes: number) {
  const dir = testInfo.outputPath("files");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const data = randomBytes(bytes);
  writeFileSync(file, data);
  return { path: file, name, sha256: sha256(data), size: bytes };
}

export const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
export const sha256File = (file: string) => sha256(readFileSync(file));

export async function signUp(page: Page, who: { name: string; email: string; password?: string }) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password ?? PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/drive$/);
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/drive$/);
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const dir = path.join(process.env.E2E_SCREENSHOT_DIR ?? "test-results/screenshots");
  mkdirSync(dir, { recursive: true });
  // Colour transitions still running (right after emulateMedia switched the scheme) would be caught
  // half way; infinite animations (spinners) are not waited for.
  await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => {}))));
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
  void testInfo;
}

/** Downloads a file of the current folder through the selection bar, returning where it was saved. */
export async function downloadRow(page: Page, testInfo: TestInfo, name: string): Promise<{ path: string; suggested: string }> {
  await page.getByTestId("node-row").filter({ hasText: name }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("selection-bar").getByRole("button", { name: /^Download/ }).click(),
  ]);
  const saved = testInfo.outputPath(`dl-${Date.now()}-${download.suggestedFilename()}`);
  await download.saveAs(saved);
  return { path: saved, suggested: download.suggestedFilename() };
}

/** Opens a folder of the current listing (double click, as on a desktop). */
export async function openFolder(page: Page, name: string) {
  await page.getByTestId("node-row").filter({ hasText: name }).dblclick();
}

/** The admin CLI against the running e2e server (through its socket in the data directory). */
export function adminCli(args: string[]): unknown {
  const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], {
    env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR!, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  return JSON.parse(out);
}

/** A fresh browser context signed in as `email`, in the given language and colour scheme. */
export async function signedIn(
  browser: Browser,
  email: string,
  opts: { locale?: "en" | "zh"; dark?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const baseURL = test.info().project.use.baseURL!;
  const context = await browser.newContext({ baseURL, viewport: opts.viewport ?? { width: 1440, height: 900 }, colorScheme: opts.dark ? "dark" : "light" });
  const page = await context.newPage();
  await signIn(page, email);
  if (opts.locale === "zh") await context.addCookies([{ name: "yp-locale", value: "zh", url: baseURL }]);
  return page;
}
