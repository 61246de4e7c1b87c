import { expect, test } from "@playwright/test";
import { downloadRow, makeFile, screenshot, sha256File, signUp } from "./helpers";

// 秒传: the browser hashes a big file in a Web Worker; content the server already holds is added
// after a proof of possession, without sending the bytes again.
test("a file someone already stored is added instantly, and downloads byte for byte", async ({ browser }, testInfo) => {
  const file = makeFile(testInfo, "dataset.bin", 12 * 1024 * 1024);

  const first = await browser.newContext();
  const alice = await first.newPage();
  await signUp(alice, { name: "Alice", email: `alice-${Date.now()}@example.com` });
  await alice.getByTestId("upload-input").setInputFiles([file.path]);
  await expect(alice.getByTestId("upload-item").filter({ hasText: file.name })).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await first.close();

  const second = await browser.newContext();
  const bob = await second.newPage();
  await signUp(bob, { name: "Bob", email: `bob-${Date.now()}@example.com` });
  const patches: string[] = [];
  bob.on("request", (r) => {
    if (r.url().includes("/api/upload")) patches.push(r.method());
  });
  await bob.getByTestId("upload-input").setInputFiles([file.path]);
  const item = bob.getByTestId("upload-item").filter({ hasText: file.name });
  await expect(item).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(item).toContainText(/Added instantly/);
  expect(patches).toEqual([]); // not one byte went over tus
  await screenshot(bob, testInfo, "20-instant-upload");

  const { path } = await downloadRow(bob, testInfo, file.name);
  expect(sha256File(path)).toBe(file.sha256);
  await second.close();
});
