import { writeFileSync } from "node:fs";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { makeFile, screenshot, signUp } from "./helpers";

// Issue 18.5 (upload onto an existing name asks: replace, keep both, skip) and 18.6 (the drive on
// a 390 px phone: tap opens, long press selects, labeled navigation, size and date, storage used).

/** Switches light/dark and waits out the colour transitions before a screenshot. */
async function scheme(page: Page, colorScheme: "light" | "dark") {
  await page.emulateMedia({ colorScheme });
  await page.waitForTimeout(400);
}

const row = (page: Page, name: string) => page.locator(`[data-testid="node-row"][data-name="${name}"]`);

async function trpcQuery<T>(page: Page, procedure: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ({ procedure, input }) => {
      const res = await fetch(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
      if (!res.ok) throw new Error(`${procedure}: ${res.status} ${await res.text()}`);
      return (await res.json()).result.data.json;
    },
    { procedure, input },
  ) as Promise<T>;
}

async function rootNames(page: Page): Promise<string[]> {
  const list = await trpcQuery<{ items: { name: string }[] }>(page, "drive.list", { folderId: null });
  return list.items.map((n) => n.name).sort();
}

async function versionCount(page: Page, name: string): Promise<number> {
  const list = await trpcQuery<{ items: { id: string; name: string }[] }>(page, "drive.list", { folderId: null });
  const node = list.items.find((n) => n.name === name)!;
  return (await trpcQuery<unknown[]>(page, "drive.versions", { nodeId: node.id })).length;
}

function textFile(testInfo: TestInfo, dir: string, name: string, text: string) {
  const file = testInfo.outputPath(dir, name);
  writeFileSync(file, text);
  return file;
}

async function uploadAndWait(page: Page, files: string[], names: string[]) {
  await page.getByTestId("upload-input").setInputFiles(files);
  for (const n of names) await expect(row(page, n)).toBeVisible();
}

test("uploading onto an existing name asks: keep both, replace with apply to all, skip", async ({ page }, testInfo) => {
  await signUp(page, { name: "Chen", email: `chen-${Date.now()}@example.com` });
  const { mkdirSync } = await import("node:fs");
  for (const d of ["v1", "v2", "v3", "v4"]) mkdirSync(testInfo.outputPath(d), { recursive: true });
  await uploadAndWait(page, [textFile(testInfo, "v1", "plan.txt", "first plan\n"), textFile(testInfo, "v1", "notes.md", "# notes\n")], ["plan.txt", "notes.md"]);

  // Keep both: the new file is numbered by the server.
  await page.getByTestId("upload-input").setInputFiles([textFile(testInfo, "v2", "plan.txt", "second plan\n")]);
  const dialog = page.getByTestId("conflict-dialog");
  await expect(dialog).toContainText("“plan.txt” already exists in this folder.");
  await expect(dialog).toContainText("plan (1).txt");
  await screenshot(page, testInfo, "18-5-conflict-en-light");
  await scheme(page, "dark");
  await screenshot(page, testInfo, "18-5-conflict-en-dark");
  await scheme(page, "light");
  await dialog.getByLabel(/Keep both/).check();
  await dialog.getByRole("button", { name: "Upload" }).click();
  await expect(row(page, "plan (1).txt")).toBeVisible();
  expect(await versionCount(page, "plan.txt")).toBe(1);

  // Two conflicts in one batch, answered once for both: each becomes a new version.
  await page.getByTestId("upload-input").setInputFiles([textFile(testInfo, "v3", "plan.txt", "third plan\n"), textFile(testInfo, "v3", "notes.md", "# more notes\n")]);
  await expect(dialog).toContainText("1 of 2");
  await dialog.getByLabel("Apply to all 2 conflicts").check();
  await expect(dialog.getByLabel(/Replace/)).toBeChecked();
  await dialog.getByRole("button", { name: "Upload" }).click();
  await expect(dialog).toHaveCount(0);
  await expect.poll(() => versionCount(page, "plan.txt")).toBe(2);
  await expect.poll(() => versionCount(page, "notes.md")).toBe(2);

  // Skip: nothing is uploaded.
  await page.getByTestId("upload-input").setInputFiles([textFile(testInfo, "v4", "plan.txt", "fourth plan\n")]);
  await dialog.getByLabel(/Skip/).check();
  await dialog.getByRole("button", { name: "Upload" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await rootNames(page)).toEqual(["notes.md", "plan (1).txt", "plan.txt"]);
  expect(await versionCount(page, "plan.txt")).toBe(2);

  // The same question in Chinese, light and dark; closing it skips.
  await page.context().addCookies([{ name: "yp-locale", value: "zh", url: page.url() }]);
  await page.reload();
  await page.getByTestId("upload-input").setInputFiles([textFile(testInfo, "v4", "plan.txt", "fourth plan\n")]);
  await expect(dialog).toContainText("此文件夹中已存在“plan.txt”。");
  await screenshot(page, testInfo, "18-5-conflict-zh-light");
  await scheme(page, "dark");
  await screenshot(page, testInfo, "18-5-conflict-zh-dark");
  await dialog.getByRole("button", { name: "取消" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await versionCount(page, "plan.txt")).toBe(2);
});

/** A finger held on an element for `ms` (Playwright has tap but no long press). */
async function longPress(page: Page, selector: string, ms = 800) {
  const box = (await page.locator(selector).boundingBox())!;
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await page.waitForTimeout(ms);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

test("on a 390 px phone: tap opens, long press selects, labeled navigation, size and date, storage used", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await signUp(page, { name: "Mei", email: `mei-${Date.now()}@example.com` });
  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill("Photos");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(row(page, "Photos")).toBeVisible();
  const file = makeFile(testInfo, "budget-2026.xlsx", 48_000);
  await uploadAndWait(page, [file.path], [file.name]);

  // The upload panel and a toast stack above the bottom bar instead of covering each other.
  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill("Receipts");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("toast").first()).toBeVisible();
  await expect(page.getByTestId("upload-panel")).toBeVisible();
  const toastBox = (await page.getByTestId("toast").first().boundingBox())!;
  const panelBox = (await page.getByTestId("upload-panel").boundingBox())!;
  const barBox = (await page.getByTestId("bottom-bar").boundingBox())!;
  expect(toastBox.y + toastBox.height).toBeLessThanOrEqual(panelBox.y);
  expect(panelBox.y + panelBox.height).toBeLessThanOrEqual(barBox.y);
  await screenshot(page, testInfo, "s5-phone-toast-over-panel-en-light");
  await scheme(page, "dark");
  await screenshot(page, testInfo, "s5-phone-toast-over-panel-en-dark");
  await scheme(page, "light");

  // Labeled bottom bar.
  const bar = page.getByTestId("bottom-bar");
  for (const label of ["Drive", "Recent", "Starred", "Shared", "Trash"]) await expect(bar.getByRole("link", { name: label })).toBeVisible();
  await expect(bar.getByRole("link", { name: "Drive" })).toHaveAttribute("aria-current", "page");
  // Size and date on the second line.
  await expect(row(page, file.name).getByTestId("node-meta")).toBeVisible();
  await expect(row(page, file.name).getByTestId("node-meta")).toContainText("46.9 KiB");
  await expect(row(page, file.name).getByTestId("node-meta")).toContainText(/just now|minute/i);
  await expect(row(page, "Photos").getByTestId("node-meta")).toContainText("Folder");
  await screenshot(page, testInfo, "18-6-phone-list-en-light");

  // A long press selects; a tap while selecting unselects; then a tap opens the folder.
  const before = await row(page, file.name).boundingBox();
  await longPress(page, `[data-testid="node-row"][data-name="${file.name}"]`);
  await expect(row(page, file.name)).toHaveAttribute("data-selected", "true");
  await expect(page.locator('[data-testid="node-row"][data-selected="true"]')).toHaveCount(1);
  await expect(page.getByTestId("selection-bar")).toContainText("1 selected");
  // The bar replaces the whole header row (heading and toolbar, two lines here) without moving the rows.
  expect((await row(page, file.name).boundingBox())!.y).toBe(before!.y);
  const selBar = (await page.getByTestId("selection-bar").boundingBox())!;
  for (const covered of [page.getByRole("navigation", { name: "Breadcrumbs" }), page.getByRole("button", { name: "Upload", exact: true })]) {
    const box = (await covered.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(selBar.y - 1);
    expect(box.y + box.height).toBeLessThanOrEqual(selBar.y + selBar.height + 1);
  }
  await screenshot(page, testInfo, "18-6-phone-selected-en-light");
  await scheme(page, "dark");
  await screenshot(page, testInfo, "s5-phone-selected-en-dark");
  await scheme(page, "light");
  await row(page, file.name).tap();
  await expect(row(page, file.name)).toHaveAttribute("data-selected", "false");
  await row(page, "Photos").tap();
  await expect(page).toHaveURL(/\/drive\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("empty-folder")).toBeVisible();

  // The drawer names every place and shows the storage used.
  await page.getByTestId("menu-button").tap();
  const drawer = page.getByTestId("nav-drawer");
  for (const label of ["My Drive", "Shared with me", "Recent", "Starred", "Trash", "Settings"]) await expect(drawer.getByRole("link", { name: label })).toBeVisible();
  await expect(drawer.getByTestId("storage-usage")).toContainText("KiB");
  await screenshot(page, testInfo, "18-6-phone-drawer-en-light");
  await scheme(page, "dark");
  await screenshot(page, testInfo, "18-6-phone-drawer-en-dark");
  await drawer.getByRole("link", { name: "My Drive" }).tap();
  await expect(drawer).toHaveCount(0);
  await expect(row(page, file.name)).toBeVisible();
  await screenshot(page, testInfo, "18-6-phone-list-en-dark");

  // Chinese, dark then light.
  await context.addCookies([{ name: "yp-locale", value: "zh", url: page.url() }]);
  await page.reload();
  for (const label of ["云盘", "最近", "已加星标", "共享", "回收站"]) await expect(bar.getByRole("link", { name: label })).toBeVisible();
  await expect(row(page, "Photos").getByTestId("node-meta")).toContainText("文件夹");
  await screenshot(page, testInfo, "18-6-phone-list-zh-dark");
  await scheme(page, "light");
  await screenshot(page, testInfo, "18-6-phone-list-zh-light");
  await longPress(page, `[data-testid="node-row"][data-name="${file.name}"]`);
  await expect(page.getByTestId("selection-bar")).toContainText("已选择 1 项");
  await screenshot(page, testInfo, "s5-phone-selected-zh-light");
  await scheme(page, "dark");
  await screenshot(page, testInfo, "s5-phone-selected-zh-dark");
  await scheme(page, "light");
  await row(page, file.name).tap();
  await expect(page.getByTestId("selection-bar")).toHaveCount(0);
  await page.getByTestId("menu-button").tap();
  await expect(drawer.getByTestId("storage-usage")).toContainText("已用");
  await screenshot(page, testInfo, "18-6-phone-drawer-zh-light");
  await context.close();
});
