import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { adminCli, downloadRow, makeFile, openFolder, screenshot, sha256File, signUp } from "./helpers";

const row = (page: Page, name: string) => page.getByTestId("node-row").filter({ hasText: name });

test("drag-drop move, delete with undo, keyboard rename and delete, Chinese search, folder tree upload and ZIP", async ({ page }, testInfo) => {
  const email = `dora-${Date.now()}@example.com`;
  await signUp(page, { name: "Dora", email });
  await expect(page.getByTestId("empty-folder")).toBeVisible();

  for (const name of ["Archive", "Reports"]) {
    await page.getByRole("button", { name: "New folder" }).click();
    await page.getByLabel("Folder name").fill(name);
    await page.getByRole("button", { name: "Create" }).click();
    await expect(row(page, name)).toBeVisible();
  }
  const report = makeFile(testInfo, "季度报告2026.txt", 2048);
  const notes = makeFile(testInfo, "notes.md", 1024);
  await page.getByTestId("upload-input").setInputFiles([report.path, notes.path]);
  await expect(row(page, report.name)).toBeVisible();
  await expect(row(page, notes.name)).toBeVisible();

  // Drag a file onto a folder: it moves there.
  await row(page, notes.name).dragTo(row(page, "Archive"));
  await expect(row(page, notes.name)).toHaveCount(0);
  await expect(page.getByTestId("toast").filter({ hasText: "Moved “notes.md”" })).toBeVisible();

  // Delete with the keyboard, undo from the toast, delete again.
  await row(page, report.name).click();
  await page.keyboard.press("Delete");
  await expect(row(page, report.name)).toHaveCount(0);
  await page.getByTestId("toast").filter({ hasText: "to the trash" }).getByRole("button", { name: "Undo" }).click();
  await expect(row(page, report.name)).toBeVisible();

  // Keyboard-only rename: F2, type, Enter.
  await row(page, "Reports").click();
  await page.keyboard.press("F2");
  await page.getByLabel("New name").fill("Reports 2026");
  await page.keyboard.press("Enter");
  await expect(row(page, "Reports 2026")).toBeVisible();
  await screenshot(page, testInfo, "30-drive-list");
  // The selection bar stands over the header row; clearing the selection brings the view switch back.
  await page.getByTestId("selection-bar").getByRole("button", { name: "Clear selection" }).click();
  await expect(page.getByTestId("selection-bar")).toHaveCount(0);
  await page.getByRole("button", { name: "Grid view" }).click();
  await screenshot(page, testInfo, "31-drive-grid");
  await page.getByRole("button", { name: "List view" }).click();

  // Right-click menu.
  await row(page, report.name).click({ button: "right" });
  await expect(page.getByRole("menuitem", { name: "Rename" })).toBeVisible();
  await screenshot(page, testInfo, "32-context-menu");
  await page.keyboard.press("Escape");

  // Search by part of the Chinese name, from the search box ("/" focuses it).
  await page.keyboard.press("/");
  await page.keyboard.type("报告");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(row(page, report.name)).toBeVisible();
  await expect(row(page, report.name)).toContainText("My Drive");
  await screenshot(page, testInfo, "33-search");

  // Upload a folder tree: the structure is recreated.
  const tree = testInfo.outputPath("Photos 照片");
  mkdirSync(path.join(tree, "2025", "summer"), { recursive: true });
  writeFileSync(path.join(tree, "index.txt"), "top level\n");
  writeFileSync(path.join(tree, "2025", "summer", "beach.txt"), "sand and sea\n");
  await page.goto("/drive");
  await page.getByTestId("folder-upload-input").setInputFiles(tree);
  await expect(row(page, "Photos 照片")).toBeVisible();
  await openFolder(page, "Photos 照片");
  await expect(row(page, "index.txt")).toBeVisible();
  await openFolder(page, "2025");
  await openFolder(page, "summer");
  await expect(row(page, "beach.txt")).toBeVisible();

  // Download the tree as a ZIP: every entry's bytes and names.
  await page.getByTestId("breadcrumb").filter({ hasText: "My Drive" }).click();
  const zip = await downloadRow(page, testInfo, "Photos 照片");
  expect(zip.suggested).toBe("Photos 照片.zip");
  const listing = execFileSync("unzip", ["-Z1", zip.path], { encoding: "utf8" });
  expect(listing.split("\n").filter(Boolean).sort()).toEqual(
    ["Photos 照片/", "Photos 照片/2025/", "Photos 照片/2025/summer/", "Photos 照片/2025/summer/beach.txt", "Photos 照片/index.txt"].sort(),
  );
  expect(execFileSync("unzip", ["-p", zip.path, "Photos 照片/2025/summer/beach.txt"], { encoding: "utf8" })).toBe("sand and sea\n");
  const single = await downloadRow(page, testInfo, report.name);
  expect(sha256File(single.path)).toBe(report.sha256);
});

test("a folder of 100,000 entries opens and scrolls", async ({ page }, testInfo) => {
  test.setTimeout(300_000); // seeding 100k rows (with their search index) is the slow part
  const email = `big-${Date.now()}@example.com`;
  await signUp(page, { name: "Big", email });
  adminCli(["seed-folder", "--email", email, "--name", "Huge", "--count", "100000"]);
  await page.reload();
  const started = Date.now();
  await openFolder(page, "Huge");
  await expect(row(page, "item 000001")).toBeVisible();
  const openedMs = Date.now() - started;
  console.log(`100k-entry folder: first rows visible ${openedMs} ms after the double click`);
  // Only the rows on screen are in the page, whatever the folder's size.
  expect(await page.getByTestId("node-row").count()).toBeLessThan(100);
  // Scrolling to the end loads the next pages (keyset), still with only the visible rows rendered.
  const scroller = page.getByTestId("node-scroller");
  await expect
    .poll(async () => {
      await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      return Number(await page.getByRole("grid").getAttribute("aria-rowcount"));
    })
    .toBeGreaterThanOrEqual(600);
  await expect(row(page, "item 000599")).toBeAttached();
  expect(await page.getByTestId("node-row").count()).toBeLessThan(100);
  await screenshot(page, testInfo, "34-huge-folder");

  // Search by part of a name among the 100k (trigram index): the figure goes to the closing note.
  const searchStarted = Date.now();
  await page.goto("/search?q=item%20099998");
  await expect(row(page, "item 099998")).toBeVisible();
  console.log(`100k-entry drive: search results visible ${Date.now() - searchStarted} ms after navigation`);
});
