import { expect, test } from "@playwright/test";
import { downloadRow, makeFile, openFolder, screenshot, sha256File, signUp } from "./helpers";

// The foundation journey: sign up, make a folder, upload two files (one big, interrupted by a
// reload and resumed), download both byte for byte, sign out, and a second user sees nothing.
test("sign up, upload with resume, download, and isolation between users", async ({ page, browser }, testInfo) => {
  const small = makeFile(testInfo, "notes 笔记.txt", 150 * 1024);
  const big = makeFile(testInfo, "big-video.bin", 34 * 1024 * 1024);

  await signUp(page, { name: "Alice", email: "alice@example.com" });
  await expect(page.getByTestId("empty-folder")).toBeVisible();
  await screenshot(page, testInfo, "01-empty-drive");

  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill("Projects 项目");
  await page.getByRole("button", { name: "Create" }).click();
  await openFolder(page, "Projects 项目");
  await expect(page.getByRole("navigation", { name: "Breadcrumbs" })).toContainText("Projects 项目");
  const folderUrl = page.url();

  // Throttle uploads so the big file is still in flight when the page reloads.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 3 * 1024 * 1024 });

  await page.getByTestId("upload-input").setInputFiles([small.path, big.path]);
  const bigBar = page.getByRole("progressbar", { name: `${big.name} progress` });
  // The big file is hashed first (instant-upload check), then its bytes flow.
  await expect(page.getByTestId("upload-item").filter({ hasText: big.name })).toHaveAttribute("data-status", "uploading", { timeout: 60_000 });
  await expect.poll(async () => Number(await bigBar.getAttribute("aria-valuenow")), { timeout: 60_000 }).toBeGreaterThanOrEqual(20);
  const before = Number(await bigBar.getAttribute("aria-valuenow"));
  expect(before).toBeLessThan(100);
  await expect(page.getByRole("progressbar", { name: `${small.name} progress` })).toHaveAttribute("aria-valuenow", "100");
  await screenshot(page, testInfo, "02-upload-in-progress");

  // Reload mid-upload: the server still knows the unfinished upload and offers to resume it.
  const resumeRequests: { method: string; offset: number }[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/upload")) resumeRequests.push({ method: r.method(), offset: Number(r.headers()["upload-offset"] ?? -1) });
  });
  await page.reload();
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page.getByTestId("interrupted-upload")).toContainText(big.name);
  await screenshot(page, testInfo, "03-interrupted-upload");

  await page.getByTestId("upload-input").setInputFiles([big.path]);
  await expect(page.getByTestId("upload-item").filter({ hasText: big.name })).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  // It continued: a HEAD found the stored offset and the first PATCH started there, with no new upload created.
  expect(resumeRequests.some((r) => r.method === "POST")).toBe(false);
  expect(resumeRequests.some((r) => r.method === "HEAD")).toBe(true);
  const firstPatch = resumeRequests.find((r) => r.method === "PATCH");
  expect(firstPatch?.offset).toBeGreaterThan(0);

  await expect(page.getByTestId("node-row")).toHaveCount(2);
  await expect(page.getByTestId("node-row").filter({ hasText: big.name })).toContainText("34.0 MiB");
  await screenshot(page, testInfo, "04-drive-with-files");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(page.getByTestId("node-row")).toHaveCount(2);
  await screenshot(page, testInfo, "05-drive-with-files-dark");
  await page.emulateMedia({ colorScheme: "light" });

  for (const f of [small, big]) {
    const { path, suggested } = await downloadRow(page, testInfo, f.name);
    expect(suggested).toBe(f.name);
    expect(sha256File(path)).toBe(f.sha256);
  }
  const bigId = await page.getByTestId("node-row").filter({ hasText: big.name }).getAttribute("data-id");
  const fileHref = `/api/files/${bigId}/content`;

  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);

  // A second account, in a fresh browser context: an empty drive, and the first user's file and
  // folder answer exactly like ones that do not exist.
  const other = await browser.newContext();
  const bob = await other.newPage();
  await signUp(bob, { name: "Bob", email: "bob@example.com" });
  await expect(bob.getByTestId("empty-folder")).toBeVisible();
  const foreign = await bob.request.get(fileHref!);
  const missing = await bob.request.get("/api/files/00000000-0000-4000-8000-000000000000/content");
  expect(foreign.status()).toBe(404);
  expect(missing.status()).toBe(404);
  expect(await foreign.text()).toBe(await missing.text());
  await bob.goto(folderUrl);
  await expect(bob.getByText("This folder is not available")).toBeVisible();
  await other.close();
});
