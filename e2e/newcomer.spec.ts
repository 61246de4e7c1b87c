import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { adminCli, PASSWORD, screenshot, signIn, signUp } from "./helpers";

// Issue 18 (items 1, 2, 3, 4, 7, 8): what a newcomer tripped over.

const row = (page: Page, name: string) => page.getByTestId("node-row").filter({ hasText: name });

async function shareLinkOf(page: Page, name: string, downloadLimit?: number) {
  await row(page, name).click({ button: "right" });
  await page.getByRole("menuitem", { name: "Share" }).click();
  await page.getByTestId("new-link").click();
  if (downloadLimit) await page.getByLabel("Download limit").fill(String(downloadLimit));
  await page.getByRole("button", { name: "Create link" }).click();
  const url = await page.getByTestId("created-url").inputValue();
  await page.getByRole("button", { name: "Done" }).click();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  return url;
}

/** The picture is shown (not left at opacity 0), no spinner is left, and Download takes a real mouse click. */
async function expectImageShownAndDownloadClickable(page: Page, name: string) {
  const img = page.getByTestId("preview-image");
  await expect(img).toHaveCSS("opacity", "1");
  expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  await expect(page.getByTestId("preview-spinner")).toHaveCount(0);
  // A real pointer click: Playwright refuses it when another element (an overlay) would take it.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("public-download").click({ timeout: 5000 })]);
  expect(download.suggestedFilename()).toBe(name);
}

test("public image share pages show small and large pictures, cached and not, with a clickable Download; share pages are noindex", async ({ page, browser }, testInfo) => {
  await signUp(page, { name: "Ivy", email: `ivy-${Date.now()}@example.com` });
  const small = testInfo.outputPath("dot.png");
  await sharp({ create: { width: 64, height: 64, channels: 3, background: "#4f46e5" } }).png().toFile(small);
  // Noise does not compress: a few MiB that take a while to arrive.
  const [w, h] = [1600, 1200];
  const large = testInfo.outputPath("noise.png");
  await sharp(randomBytes(w * h * 3), { raw: { width: w, height: h, channels: 3 } }).png({ compressionLevel: 1 }).toFile(large);
  await page.getByTestId("upload-input").setInputFiles([small, large]);
  await expect(row(page, "dot.png")).toBeVisible();
  await expect(row(page, "noise.png")).toBeVisible();
  const urls = { "dot.png": await shareLinkOf(page, "dot.png"), "noise.png": await shareLinkOf(page, "noise.png") };

  const context = await browser.newContext({ acceptDownloads: true });
  const v = await context.newPage();
  for (const [name, url] of Object.entries(urls)) {
    const res = await v.goto(url);
    expect(res?.headers()["x-robots-tag"]).toBe("noindex");
    await expect(v.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
    await expectImageShownAndDownloadClickable(v, name);
    // Again, now from the browser's cache: the load is over before React hydrates.
    await v.reload();
    await expectImageShownAndDownloadClickable(v, name);
  }
  await v.goto(urls["dot.png"]);
  await expect(v.getByTestId("preview-image")).toHaveCSS("opacity", "1");
  await screenshot(v, testInfo, "h6-share-image-en-light");
  await v.emulateMedia({ colorScheme: "dark" });
  await screenshot(v, testInfo, "h6-share-image-en-dark");
  await context.addCookies([{ name: "yp-locale", value: "zh", url: urls["dot.png"] }]);
  await v.goto(urls["noise.png"]);
  await expect(v.getByTestId("preview-image")).toHaveCSS("opacity", "1");
  await expect(v).toHaveTitle("分享的文件 · 云盘");
  await screenshot(v, testInfo, "h6-share-image-zh-dark");
  await v.emulateMedia({ colorScheme: "light" });
  await screenshot(v, testInfo, "h6-share-image-zh-light");
  await context.close();
});

test("a share page with a download limit counts down after each download and says why a used-up link refuses, en and zh", async ({ page, browser }, testInfo) => {
  await signUp(page, { name: "Lena", email: `lena-${Date.now()}@example.com` });
  const note = testInfo.outputPath("notes.txt");
  writeFileSync(note, "meeting notes\n".repeat(40));
  await page.getByTestId("upload-input").setInputFiles([note]);
  await expect(row(page, "notes.txt")).toBeVisible();
  const url = await shareLinkOf(page, "notes.txt", 2);

  const en = await browser.newContext({ acceptDownloads: true });
  const v = await en.newPage();
  await v.goto(url);
  const left = v.getByTestId("public-downloads-left");
  await expect(left).toHaveText("2 downloads left");
  const download = async () => (await Promise.all([v.waitForEvent("download"), v.getByTestId("public-download").click()]))[0];
  expect((await download()).suggestedFilename()).toBe("notes.txt");
  await expect(left).toHaveText("1 download left");
  // A second visitor's page, opened while one download is left, in Chinese.
  const zh = await browser.newContext({ acceptDownloads: true });
  await zh.addCookies([{ name: "yp-locale", value: "zh", url }]);
  const w = await zh.newPage();
  await w.goto(url);
  await expect(w.getByTestId("public-downloads-left")).toHaveText("还可下载 1 次");
  expect((await download()).suggestedFilename()).toBe("notes.txt");
  await expect(left).toHaveText("No downloads left");
  // Used up: the page says so at once and the button is dimmed, instead of looking active.
  await expect(v.getByTestId("public-download-refusal")).toHaveText(/used up: its download limit has been reached/);
  await expect(v.getByTestId("public-download")).toHaveAttribute("aria-disabled", "true");
  await screenshot(v, testInfo, "s5-share-used-up-en-light");
  await v.emulateMedia({ colorScheme: "dark" });
  await screenshot(v, testInfo, "s5-share-used-up-en-dark");
  await w.getByTestId("public-download").click();
  await expect(w.getByTestId("public-download-refusal")).toHaveText(/下载次数已用完/);
  await expect(w.getByTestId("public-downloads-left")).toHaveText("下载次数已用完");
  await expect(w.getByTestId("public-download")).toHaveAttribute("aria-disabled", "true");
  await screenshot(w, testInfo, "s5-share-used-up-zh-light");
  await w.emulateMedia({ colorScheme: "dark" });
  await screenshot(w, testInfo, "s5-share-used-up-zh-dark");
  await Promise.all([en.close(), zh.close()]);
});

test("tree changes are in the admin's audit log with their actor and readable names; a restored file keeps its time", async ({ browser }, testInfo) => {
  const admin = `audit-admin-${Date.now()}@example.com`;
  const ann = `audit-ann-${Date.now()}@example.com`;
  adminCli(["create-user", "--email", admin, "--name", "Audra Admin", "--password", PASSWORD, "--admin"]);
  adminCli(["create-user", "--email", ann, "--name", "Ann Auditee", "--password", PASSWORD]);
  const annCtx = await browser.newContext();
  const page = await annCtx.newPage();
  await signIn(page, ann);
  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill("Budget 2027");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(row(page, "Budget 2027")).toBeVisible();
  // No empty band between the header and the list while nothing is selected.
  const header = await page.getByRole("navigation", { name: "Breadcrumbs" }).boundingBox();
  const list = await row(page, "Budget 2027").boundingBox();
  expect(list!.y - (header!.y + header!.height)).toBeLessThan(60);
  await screenshot(page, testInfo, "h6-drive-no-band");
  await row(page, "Budget 2027").click();
  await expect(page.getByTestId("selection-bar")).toContainText("1 selected");
  await screenshot(page, testInfo, "s5-selection-desktop-en-light");
  await page.emulateMedia({ colorScheme: "dark" });
  await screenshot(page, testInfo, "s5-selection-desktop-en-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.keyboard.press("F2");
  await page.getByLabel("New name").fill("Budget 2028");
  await page.keyboard.press("Enter");
  await expect(row(page, "Budget 2028")).toBeVisible();
  await annCtx.close();

  const ctx = await browser.newContext();
  const a = await ctx.newPage();
  await signIn(a, admin);
  await a.goto("/admin/audit");
  const renamed = a.locator('[data-testid="audit-row"][data-action="node.rename"]').filter({ hasText: "Budget 2028" });
  await expect(renamed).toContainText("Renamed");
  await expect(renamed.getByTestId("audit-actor")).toContainText(ann);
  const created = a.locator('[data-testid="audit-row"][data-action="folder.create"]').filter({ hasText: "Budget 2027" });
  await expect(created).toContainText("Folder created");
  // Details in words: where the folder was made (the root by its name), never the raw parentId.
  await expect(created.getByTestId("audit-details")).toHaveText("in My Drive");
  await expect(renamed.getByTestId("audit-details")).toHaveText("Folder · was “Budget 2027”");
  // The table fits its box: nothing is cut off on the right.
  const fits = await a.getByTestId("audit-table").evaluate((t) => t.parentElement!.scrollWidth <= t.parentElement!.clientWidth + 1);
  expect(fits).toBe(true);
  await screenshot(a, testInfo, "h6-audit-en-light");
  await a.emulateMedia({ colorScheme: "dark" });
  await screenshot(a, testInfo, "h6-audit-en-dark");
  await ctx.addCookies([{ name: "yp-locale", value: "zh", url: a.url() }]);
  await a.reload();
  await expect(a.locator('[data-testid="audit-row"][data-action="node.rename"]').first()).toContainText("重命名");
  await expect(a.locator('[data-testid="audit-row"][data-action="node.rename"]').filter({ hasText: "Budget 2028" }).getByTestId("audit-details")).toHaveText("文件夹 · 原名“Budget 2027”");
  // The date filters follow the app's language, not the browser's.
  await expect(a.locator("input[type=date]").first()).toHaveAttribute("lang", "zh-CN");
  await a.locator("input[type=date]").first().fill("2026-12-05");
  await a.locator("input[type=date]").first().blur();
  await expect(a.getByTestId("audit-from-shown")).toHaveText("2026年12月5日");
  await expect(a).toHaveTitle("管理 · 云盘");
  await screenshot(a, testInfo, "h6-audit-zh-dark");
  await a.emulateMedia({ colorScheme: "light" });
  await screenshot(a, testInfo, "h6-audit-zh-light");
  await ctx.close();
});

test("the drive installs on a phone: manifest, icons, favicon and robots.txt are served", async ({ page, request }) => {
  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.status()).toBe(200);
  const body = (await manifest.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string }[] };
  expect(body).toMatchObject({ start_url: "/drive", display: "standalone" });
  expect(body.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  for (const path of ["/icon-192.png", "/icon-512.png", "/apple-touch-icon.png", "/favicon-32.png"]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()["content-type"]).toBe("image/png");
    const size = path.match(/(\d+)\.png$/)?.[1] ?? "180";
    expect((await sharp(await res.body()).metadata()).width, path).toBe(Number(size));
  }
  expect((await request.get("/favicon.svg")).headers()["content-type"]).toContain("image/svg+xml");
  const robots = await request.get("/robots.txt");
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toContain("Disallow: /");

  await page.goto("/sign-in");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  await expect(page.locator('link[rel="icon"][type="image/svg+xml"]')).toHaveAttribute("href", /favicon\.svg/);
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute("href", /apple-touch-icon\.png/);
  await expect(page).toHaveTitle("Sign in · Yunpan");
  await page.context().addCookies([{ name: "yp-locale", value: "zh", url: page.url() }]);
  await page.reload();
  await expect(page).toHaveTitle("登录 · 云盘");
});
