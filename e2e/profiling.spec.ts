import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { adminCli, PASSWORD, screenshot, signIn } from "./helpers";

// Admin → System's profile buttons end to end on the production server: a 30-second CPU profile
// is saved as a .cpuprofile; a heap snapshot asked for meanwhile (another tab) is refused with the
// server's message; a heap snapshot afterwards is saved. Screenshots light and dark, en and zh.

const ADMIN = "profiler@yunpan.test";

test("an admin records a CPU profile and a heap snapshot from Admin → System", async ({ page, context, baseURL }, testInfo) => {
  test.setTimeout(240_000);
  adminCli(["create-user", "--email", ADMIN, "--name", "Pat Profiler", "--password", PASSWORD, "--admin"]);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await signIn(page, ADMIN);
  await page.goto("/admin/system");
  const card = page.getByTestId("profiling");
  await expect(card.getByRole("button", { name: "CPU profile (30 s)" })).toBeEnabled();
  for (const dark of [false, true]) {
    await page.emulateMedia({ colorScheme: dark ? "dark" : "light" });
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, testInfo, `profiling-en-${dark ? "dark" : "light"}`);
  }

  // The profile runs for 30 s; a second tab's heap snapshot meanwhile gets the server's 409 message.
  await page.emulateMedia({ colorScheme: "light" });
  const profileSaved = page.waitForEvent("download", { timeout: 90_000 });
  await card.getByRole("button", { name: "CPU profile (30 s)" }).click();
  await expect(page.getByTestId("profiling-status")).toContainText("Recording a CPU profile");
  await expect(card.getByRole("button", { name: "Heap snapshot" })).toBeDisabled();
  await screenshot(page, testInfo, "profiling-en-running");
  const other = await context.newPage();
  await other.setViewportSize({ width: 1440, height: 1000 });
  await other.goto("/admin/system");
  await other.getByTestId("profiling").getByRole("button", { name: "Heap snapshot" }).click();
  await expect(other.getByTestId("profiling-status")).toHaveText("A CPU profile or heap snapshot is already being taken on this server. Try again when it has finished.");
  await other.getByTestId("profiling").scrollIntoViewIfNeeded();
  await screenshot(other, testInfo, "profiling-en-busy");
  await other.close();

  const profile = await profileSaved;
  expect(profile.suggestedFilename()).toMatch(/^yunpan-.+\.cpuprofile$/);
  const saved = testInfo.outputPath(profile.suggestedFilename());
  await profile.saveAs(saved);
  const parsed = JSON.parse(readFileSync(saved, "utf8")) as { nodes: unknown[]; samples: unknown[] };
  expect(parsed.nodes.length).toBeGreaterThan(10);
  expect(parsed.samples.length).toBeGreaterThan(100);
  await expect(page.getByTestId("profiling-status")).toContainText(`Saved ${profile.suggestedFilename()}`);

  // Chinese, light and dark; then a heap snapshot.
  await context.addCookies([{ name: "yp-locale", value: "zh", url: baseURL! }]);
  await page.reload();
  const zhCard = page.getByTestId("profiling");
  await expect(zhCard.getByRole("button", { name: "CPU 性能分析（30 秒）" })).toBeEnabled();
  const heapSaved = page.waitForEvent("download", { timeout: 90_000 });
  await zhCard.getByRole("button", { name: "堆快照" }).click();
  const heap = await heapSaved;
  expect(heap.suggestedFilename()).toMatch(/^yunpan-.+\.heapsnapshot$/);
  const heapFile = testInfo.outputPath(heap.suggestedFilename());
  await heap.saveAs(heapFile);
  expect(readFileSync(heapFile).subarray(0, 20).toString()).toBe('{"snapshot":{"meta":');
  await expect(page.getByTestId("profiling-status")).toContainText("已保存");
  for (const dark of [false, true]) {
    await page.emulateMedia({ colorScheme: dark ? "dark" : "light" });
    await zhCard.scrollIntoViewIfNeeded();
    await screenshot(page, testInfo, `profiling-zh-${dark ? "dark" : "light"}`);
  }
});
