import { copyFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { downloadRow, makeFile, screenshot, sha256File, signUp } from "./helpers";

// 秒传: the browser hashes a big file in a Web Worker; content the account already holds is added
// after a proof of possession, without sending the bytes again. (Content only another account
// holds is uploaded normally: the answer must not reveal what others store.)
test("a file the account already stored is added instantly, and downloads byte for byte", async ({ browser }, testInfo) => {
  const file = makeFile(testInfo, "dataset.bin", 12 * 1024 * 1024);
  const copy = { ...file, name: "dataset-copy.bin", path: path.join(path.dirname(file.path), "dataset-copy.bin") };
  copyFileSync(file.path, copy.path);

  const context = await browser.newContext();
  const alice = await context.newPage();
  await signUp(alice, { name: "Alice", email: `alice-${Date.now()}@example.com` });
  await alice.getByTestId("upload-input").setInputFiles([file.path]);
  await expect(alice.getByTestId("upload-item").filter({ hasText: file.name })).toHaveAttribute("data-status", "done", { timeout: 60_000 });

  const patches: string[] = [];
  alice.on("request", (r) => {
    if (r.url().includes("/api/upload")) patches.push(r.method());
  });
  await alice.getByTestId("upload-input").setInputFiles([copy.path]);
  const item = alice.getByTestId("upload-item").filter({ hasText: copy.name });
  await expect(item).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(item).toContainText(/Added instantly/);
  expect(patches).toEqual([]); // not one byte went over tus
  await screenshot(alice, testInfo, "20-instant-upload");

  const { path: downloaded } = await downloadRow(alice, testInfo, copy.name);
  expect(sha256File(downloaded)).toBe(file.sha256);
  await context.close();
});
