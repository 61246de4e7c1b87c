import { readFileSync, writeFileSync } from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { makeFile, openFolder, screenshot, sha256, signUp } from "./helpers";
import { readZip } from "../server/test/zip-reader";

const row = (page: Page, name: string) => page.getByTestId("node-row").filter({ hasText: name });

/** Opens a folder and waits until its (empty) listing shows, so an upload lands inside it. */
async function enterEmptyFolder(page: Page, name: string) {
  await openFolder(page, name);
  await expect(page).toHaveURL(/\/drive\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("empty-folder")).toBeVisible();
}

async function newFolder(page: Page, name: string) {
  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(row(page, name)).toBeVisible();
}

/** Opens the share dialog of a row through its context menu. */
async function openShare(page: Page, name: string) {
  await row(page, name).click({ button: "right" });
  await page.getByRole("menuitem", { name: "Share" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
}

/** Creates a link in the open share dialog and returns its address (shown once). */
async function createLink(page: Page, opts: { permission?: RegExp; password?: string; expires?: string } = {}) {
  await page.getByTestId("new-link").click();
  if (opts.permission) await page.getByTestId("link-form").getByText(opts.permission).click();
  if (opts.password) await page.getByLabel("Password (optional)").fill(opts.password);
  if (opts.expires) await page.getByLabel("Expires").fill(opts.expires);
  await page.getByRole("button", { name: "Create link" }).click();
  const url = await page.getByTestId("created-url").inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{32}$/);
  return url;
}

async function visitor(browser: Browser) {
  const context = await browser.newContext({ acceptDownloads: true });
  return { context, page: await context.newPage() };
}

const tomorrow = () => {
  const d = new Date(Date.now() + 24 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

test("a folder link with password and expiry: refused, unlocked, browsed, downloaded as a zip that matches", async ({ page, browser }, testInfo) => {
  await signUp(page, { name: "Olivia", email: `olivia-${Date.now()}@example.com` });
  await newFolder(page, "Trip 旅行");
  await enterEmptyFolder(page, "Trip 旅行");
  const a = makeFile(testInfo, "route.txt", 3000);
  const b = makeFile(testInfo, "photo.bin", 70_000);
  await page.getByTestId("upload-input").setInputFiles([a.path, b.path]);
  await expect(row(page, a.name)).toBeVisible();
  await expect(row(page, b.name)).toBeVisible();
  await newFolder(page, "Day 1");
  await enterEmptyFolder(page, "Day 1");
  const c = makeFile(testInfo, "notes.md", 1200);
  await page.getByTestId("upload-input").setInputFiles([c.path]);
  await expect(row(page, c.name)).toBeVisible();
  await page.goto("/drive");

  await openShare(page, "Trip 旅行");
  await page.getByTestId("new-link").click();
  await page.getByLabel("Password (optional)").fill("letmein-2026");
  await page.getByLabel("Expires").fill(tomorrow());
  await page.getByLabel("Download limit").fill("10");
  await screenshot(page, testInfo, "50-share-dialog-form");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForTimeout(400);
  await screenshot(page, testInfo, "50-share-dialog-form-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.getByRole("button", { name: "Create link" }).click();
  const url = await page.getByTestId("created-url").inputValue();
  await screenshot(page, testInfo, "51-share-dialog-created");
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("link-card")).toHaveCount(1);
  await screenshot(page, testInfo, "52-share-dialog-list");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForTimeout(400);
  await screenshot(page, testInfo, "52-share-dialog-list-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.keyboard.press("Escape");

  // A stranger's browser: the gate, a wrong password, then the right one.
  const v = await visitor(browser);
  const res = await v.page.goto(url);
  expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
  await expect(v.page.getByTestId("password-gate")).toBeVisible();
  await screenshot(v.page, testInfo, "53-public-password");
  await v.page.getByLabel("Password").fill("wrong guess");
  await v.page.getByRole("button", { name: "Unlock" }).click();
  await expect(v.page.getByText("The password is incorrect.")).toBeVisible();
  await v.page.getByLabel("Password").fill("letmein-2026");
  await v.page.getByRole("button", { name: "Unlock" }).click();
  await expect(v.page.getByTestId("public-folder")).toBeVisible();
  await expect(v.page.getByTestId("public-row")).toHaveCount(3);
  await screenshot(v.page, testInfo, "54-public-folder");
  await v.page.emulateMedia({ colorScheme: "dark" });
  await v.page.waitForTimeout(400);
  await screenshot(v.page, testInfo, "54-public-folder-dark");
  await v.page.emulateMedia({ colorScheme: "light" });

  // Browse into the subfolder: breadcrumbs stop at the shared folder.
  await v.page.getByRole("link", { name: "Day 1" }).click();
  await expect(v.page.getByTestId("public-row")).toHaveCount(1);
  await expect(v.page.getByRole("navigation", { name: "breadcrumbs" })).toHaveText(/^Trip 旅行\s*Day 1$/);
  await v.page.getByRole("link", { name: "Trip 旅行" }).click();
  await expect(v.page.getByTestId("public-row")).toHaveCount(3);

  // Download everything as a zip: every file's bytes match what was uploaded.
  const [download] = await Promise.all([v.page.waitForEvent("download"), v.page.getByTestId("public-zip").click()]);
  const saved = testInfo.outputPath("trip.zip");
  await download.saveAs(saved);
  const entries = readZip(readFileSync(saved)).entries.filter((e) => !e.isDir);
  const byName = Object.fromEntries(entries.map((e) => [e.name, sha256(e.data)]));
  expect(byName).toEqual({ [`Trip 旅行/${a.name}`]: a.sha256, [`Trip 旅行/${b.name}`]: b.sha256, [`Trip 旅行/Day 1/${c.name}`]: c.sha256 });

  // In Chinese, the page speaks Chinese.
  await v.context.addCookies([{ name: "yp-locale", value: "zh", url }]);
  await v.page.reload();
  await expect(v.page.getByText("全部下载")).toBeVisible();
  await screenshot(v.page, testInfo, "55-public-folder-zh");
  await v.page.setViewportSize({ width: 390, height: 844 });
  await screenshot(v.page, testInfo, "55-public-folder-zh-phone");
  await v.context.close();

  // The owner sees the use in the access log and on My links.
  await page.goto("/shared/links");
  await expect(page.getByTestId("my-link-row")).toHaveCount(1);
  await expect(page.getByTestId("my-link-row")).toContainText("1 of 10 downloads");
  await screenshot(page, testInfo, "56-my-links");
});

test("a file link shows its preview and a download; revoked, it answers 410", async ({ page, browser }, testInfo) => {
  await signUp(page, { name: "Fiona", email: `fiona-${Date.now()}@example.com` });
  const readme = testInfo.outputPath("README.md");
  writeFileSync(readme, "# Launch plan\n\n- Venue: the old harbour\n- Date: 12 March\n- Budget: ¥12,000\n\n```js\nconst guests = 42;\n```\n");
  await page.getByTestId("upload-input").setInputFiles([readme]);
  await expect(row(page, "README.md")).toBeVisible();
  await openShare(page, "README.md");
  const url = await createLink(page);
  await page.getByRole("button", { name: "Done" }).click();

  const v = await visitor(browser);
  await v.page.goto(url);
  await expect(v.page.getByTestId("public-file")).toBeVisible();
  await expect(v.page.getByText("Venue: the old harbour")).toBeVisible();
  await screenshot(v.page, testInfo, "57-public-file");
  await v.page.emulateMedia({ colorScheme: "dark" });
  await v.page.waitForTimeout(400);
  await screenshot(v.page, testInfo, "57-public-file-dark");
  const [download] = await Promise.all([v.page.waitForEvent("download"), v.page.getByTestId("public-download").click()]);
  expect(download.suggestedFilename()).toBe("README.md");
  expect(readFileSync(await download.path()).toString()).toBe(readFileSync(readme).toString());

  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("link-card")).toHaveAttribute("data-status", "revoked");
  const gone = await v.page.goto(url);
  expect(gone?.status()).toBe(410);
  await expect(v.page.getByText("This link was turned off by its owner.")).toBeVisible();
  await screenshot(v.page, testInfo, "58-public-gone-dark");
  await v.context.close();
});

test("an anonymous visitor drops two files into an upload link; the owner sees them and the notification", async ({ page, browser }, testInfo) => {
  await signUp(page, { name: "Uma", email: `uma-${Date.now()}@example.com` });
  await newFolder(page, "Inbox");
  await openShare(page, "Inbox");
  const url = await createLink(page, { permission: /Upload only/ });
  await page.getByRole("button", { name: "Done" }).click();
  await page.keyboard.press("Escape");

  const v = await visitor(browser);
  await v.page.goto(url);
  await expect(v.page.getByTestId("drop-page")).toBeVisible();
  await screenshot(v.page, testInfo, "59-public-drop");
  await v.page.emulateMedia({ colorScheme: "dark" });
  await v.page.waitForTimeout(400);
  await screenshot(v.page, testInfo, "59-public-drop-dark");
  await v.page.emulateMedia({ colorScheme: "light" });
  await v.page.getByLabel("Your name (optional)").fill("Vera");
  const one = makeFile(testInfo, "invoice-march.pdf", 40_000);
  const two = makeFile(testInfo, "signed contract.bin", 250_000);
  await v.page.getByTestId("drop-input").setInputFiles([one.path, two.path]);
  await expect(v.page.locator('[data-testid="drop-item"][data-status="done"]')).toHaveCount(2);
  await expect(v.page.getByText("All files were sent. Thank you!")).toBeVisible();
  await screenshot(v.page, testInfo, "60-public-drop-done");
  await v.page.setViewportSize({ width: 390, height: 844 });
  await screenshot(v.page, testInfo, "60-public-drop-done-phone");
  await v.context.close();

  await openFolder(page, "Inbox");
  await expect(row(page, one.name)).toBeVisible();
  await expect(row(page, two.name)).toBeVisible();
  // The batched notice arrives after the batch window (30 s).
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("unread-count").last()).toHaveText("1", { timeout: 2000 });
  }).toPass({ timeout: 90_000, intervals: [3000] });
  await page.getByTestId("notification-bell").last().click();
  await expect(page.getByTestId("notification-item")).toContainText("2 files were dropped into “Inbox” by Vera");
  await screenshot(page, testInfo, "61-notifications");
});

test("a teammate sees Shared with me and, as editor, uploads into it", async ({ page, browser }, testInfo) => {
  const mateEmail = `tom-${Date.now()}@example.com`;
  const mate = await visitor(browser);
  await signUp(mate.page, { name: "Tom", email: mateEmail });
  await signUp(page, { name: "Owen", email: `owen-${Date.now()}@example.com` });
  await newFolder(page, "Team plans");
  await openShare(page, "Team plans");
  await page.getByRole("tab", { name: "People" }).click();
  await page.getByLabel("Email").fill(mateEmail);
  await page.getByRole("combobox", { name: "People" }).selectOption("EDITOR");
  await page.getByTestId("grant-form").getByRole("button", { name: "Share" }).click();
  await expect(page.getByTestId("grant-row")).toContainText(mateEmail);
  await screenshot(page, testInfo, "62-share-people");
  await page.keyboard.press("Escape");

  await mate.page.goto("/shared");
  await expect(mate.page.getByTestId("shared-row")).toContainText("Team plans");
  await expect(mate.page.getByTestId("unread-count").last()).toHaveText("1");
  await screenshot(mate.page, testInfo, "63-shared-with-me");
  await mate.page.emulateMedia({ colorScheme: "dark" });
  await mate.page.waitForTimeout(400);
  await screenshot(mate.page, testInfo, "63-shared-with-me-dark");
  await mate.page.emulateMedia({ colorScheme: "light" });
  await mate.page.setViewportSize({ width: 390, height: 844 });
  await screenshot(mate.page, testInfo, "63-shared-with-me-phone");
  await mate.page.setViewportSize({ width: 1280, height: 720 });
  await mate.page.getByRole("link", { name: "Team plans" }).click();
  await expect(mate.page).toHaveURL(/\/drive\/[0-9a-f-]{36}$/);
  const f = makeFile(testInfo, "from-tom.txt", 5000);
  await mate.page.getByTestId("upload-input").setInputFiles([f.path]);
  await expect(row(mate.page, f.name)).toBeVisible();
  await expect(mate.page.getByRole("navigation", { name: "Breadcrumbs" })).toHaveText("Team plans");
  await screenshot(mate.page, testInfo, "64-teammate-in-shared-folder");
  await mate.context.close();

  await openFolder(page, "Team plans");
  await expect(row(page, f.name)).toBeVisible();
});

test("uploaded HTML and SVG with script never run, through the owner's, the teammate's and the link's paths", async ({ page, browser }, testInfo) => {
  const mateEmail = `sam-${Date.now()}@example.com`;
  const mate = await visitor(browser);
  await signUp(mate.page, { name: "Sam", email: mateEmail });
  await signUp(page, { name: "Xavier", email: `xavier-${Date.now()}@example.com` });
  await newFolder(page, "Evil");
  await enterEmptyFolder(page, "Evil");
  // Each payload marks our origin if it ever runs there (or anywhere: alert).
  const payload = "try{localStorage.setItem('pwned','1')}catch(e){};try{parent.localStorage.setItem('pwned','1')}catch(e){};alert('pwned')";
  const html = testInfo.outputPath("evil.html");
  writeFileSync(html, `<!doctype html><html><body><h1>hi</h1><script>${payload}</script></body></html>`);
  const svg = testInfo.outputPath("evil.svg");
  writeFileSync(svg, `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>${payload}</script><rect width="10" height="10"/></svg>`);
  const txt = testInfo.outputPath("evil.txt");
  writeFileSync(txt, `<html><body><script>${payload}</script></body></html>`);
  await page.getByTestId("upload-input").setInputFiles([html, svg, txt]);
  for (const n of ["evil.html", "evil.svg", "evil.txt"]) await expect(row(page, n)).toBeVisible();
  await page.goto("/drive");
  await openShare(page, "Evil");
  const url = await createLink(page);
  await page.getByRole("button", { name: "Done" }).click();
  await page.getByRole("tab", { name: "People" }).click();
  await page.getByLabel("Email").fill(mateEmail);
  await page.getByTestId("grant-form").getByRole("button", { name: "Share" }).click();
  await expect(page.getByTestId("grant-row")).toHaveCount(1);
  await page.keyboard.press("Escape");

  const ids = (await page.evaluate(async () => {
    const list = await fetch("/api/trpc/drive.search?input=" + encodeURIComponent(JSON.stringify({ json: { query: "evil", limit: 10 } }))).then((r) => r.json());
    return list.result.data.json.items.filter((i: { name: string }) => i.name.startsWith("evil.")).map((i: { id: string; name: string }) => [i.name, i.id]);
  })) as [string, string][];
  expect(ids).toHaveLength(3);
  const token = url.split("/s/")[1]!;
  const paths = ids.flatMap(([, id]) => [`/api/files/${id}/content`, `/api/files/${id}/content?inline=1`]);
  const linkPaths = ids.flatMap(([, id]) => [`/api/s/${token}/files/${id}/content`, `/api/s/${token}/files/${id}/content?inline=1`]);

  const v = await visitor(browser);
  let dialogs = 0;
  for (const p of [page, mate.page, v.page]) p.on("dialog", (d) => (dialogs++, void d.dismiss()));
  const visit = async (p: Page, path: string) => {
    // Attachments start a download instead of a document; inline ones render sandboxed.
    await p.goto(path, { waitUntil: "load" }).catch(() => {});
    await p.waitForTimeout(300);
  };
  for (const path of paths) await visit(page, path);
  for (const path of paths) await visit(mate.page, path);
  for (const path of linkPaths) await visit(v.page, path);
  // The public pages themselves (folder listing and each file's preview) run none of it either.
  await v.page.goto(url);
  for (const n of ["evil.html", "evil.svg", "evil.txt"]) {
    await v.page.getByRole("button", { name: n }).click();
    await v.page.waitForTimeout(500);
    await v.page.getByRole("button", { name: "Close" }).click();
  }
  for (const p of [page, mate.page, v.page]) {
    await p.goto("/s/" + token);
    expect(await p.evaluate(() => localStorage.getItem("pwned"))).toBeNull();
  }
  expect(dialogs).toBe(0);
  await mate.context.close();
  await v.context.close();
});
