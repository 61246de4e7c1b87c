import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { makeFile, signUp } from "./helpers";

// The live drive: one SSE stream per tab keeps every open view in step, whoever changed what and
// through which door (another tab, a teammate, WebDAV, an anonymous drop). No reloads below: each
// expectation polls what is on screen.

const SHOTS = process.env.LIVE_SHOTS_DIR ?? path.join(process.cwd(), "shots");

const row = (page: Page, name: string) => page.locator(`[data-testid="node-row"][data-name="${name}"]`);

/** The tab's stream is open (components/live sets data-live on <html>). */
async function streamOpen(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-live", "open");
}

/** tRPC as the signed-in user of a context (its cookies; no Origin header, like any API client). */
function api(request: APIRequestContext) {
  const unwrap = async (res: Awaited<ReturnType<APIRequestContext["get"]>>) => {
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()) as { result: { data: { json: unknown } } }).result.data.json;
  };
  return {
    mutate: async <T = unknown>(proc: string, input: unknown) => (await unwrap(await request.post(`/api/trpc/${proc}`, { data: { json: input } }))) as T,
    query: async <T = unknown>(proc: string, input?: unknown) =>
      (await unwrap(await request.get(`/api/trpc/${proc}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`))) as T,
  };
}

async function newUser(browser: Browser, name: string): Promise<{ context: BrowserContext; page: Page; email: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = `${name.toLowerCase()}-${Date.now()}@example.com`;
  await signUp(page, { name, email });
  return { context, page, email };
}

type Listed = { folder: { id: string }; items: { id: string; name: string }[] };

test("the same user in two tabs: upload, rename, move, trash, restore and a WebDAV PUT appear in the other tab", async ({ browser, baseURL }, testInfo) => {
  const { context, page: tabA, email } = await newUser(browser, "Liv");
  const tabB = await context.newPage();
  await tabB.goto("/drive");
  await streamOpen(tabA);
  await streamOpen(tabB);
  const a = api(tabA.request);

  // Upload in tab A through the page.
  const plan = makeFile(testInfo, "plan.txt", 3000);
  await tabA.getByTestId("upload-input").setInputFiles([plan.path]);
  await expect(row(tabA, "plan.txt")).toBeVisible();
  await expect(row(tabB, "plan.txt")).toBeVisible();

  // A new folder, a rename and a move made by tab A.
  await tabA.getByRole("button", { name: "New folder" }).click();
  await tabA.getByLabel("Folder name").fill("Archive");
  await tabA.getByRole("button", { name: "Create" }).click();
  await expect(row(tabB, "Archive")).toBeVisible();
  const root = await a.query<Listed>("drive.list", {});
  const planId = root.items.find((n) => n.name === "plan.txt")!.id;
  const archiveId = root.items.find((n) => n.name === "Archive")!.id;
  await a.mutate("drive.rename", { nodeId: planId, name: "plan v2.txt" });
  await expect(row(tabB, "plan v2.txt")).toBeVisible();
  await expect(row(tabB, "plan.txt")).toHaveCount(0);
  await a.mutate("drive.move", { nodeIds: [planId], targetId: archiveId });
  await expect(row(tabB, "plan v2.txt")).toHaveCount(0);

  // Tab B looks inside Archive: the trash and the restore in tab A show there.
  await tabB.goto(`/drive/${archiveId}`);
  await expect(row(tabB, "plan v2.txt")).toBeVisible();
  await streamOpen(tabB);
  await a.mutate("drive.trash", { nodeIds: [planId] });
  await expect(row(tabB, "plan v2.txt")).toHaveCount(0);
  await a.mutate("drive.restore", { nodeIds: [planId] });
  await expect(row(tabB, "plan v2.txt")).toBeVisible();

  // A WebDAV client (an app password) writes into Archive: both tabs show it, highlighted.
  await tabA.goto(`/drive/${archiveId}`);
  await streamOpen(tabA);
  const { token } = await a.mutate<{ token: string }>("auth.tokens.create", { name: "webdav" });
  const put = await fetch(`${baseURL}/dav/Archive/from%20webdav.txt`, {
    method: "PUT",
    headers: { Authorization: `Basic ${Buffer.from(`${email}:${token}`).toString("base64")}`, "Content-Type": "text/plain" },
    body: "written over WebDAV\n",
  });
  expect(put.status).toBe(201);
  await expect(row(tabB, "from webdav.txt")).toBeVisible();
  await expect(row(tabA, "from webdav.txt")).toBeVisible();
  await context.close();
});

test("an owner and a grantee: the bell rises live, each sees the other's changes, and an anonymous drop arrives", async ({ browser, baseURL }, testInfo) => {
  const grantee = await newUser(browser, "Gia");
  const owner = await newUser(browser, "Oren");
  const o = api(owner.page.request);
  const g = api(grantee.page.request);
  await streamOpen(grantee.page);
  await expect(grantee.page.getByTestId("unread-count")).toHaveCount(0);

  const team = await o.mutate<{ id: string }>("drive.createFolder", { name: "Team" });
  await o.mutate("share.grant", { nodeId: team.id, email: grantee.email, role: "EDITOR" });
  // The grant's notification reaches the grantee's open page by itself.
  await expect(grantee.page.getByTestId("unread-count").last()).toHaveText("1");

  await grantee.page.goto("/shared");
  await expect(grantee.page.getByTestId("shared-row")).toContainText("Team");
  await grantee.page.goto(`/drive/${team.id}`);
  await owner.page.goto(`/drive/${team.id}`);
  await streamOpen(grantee.page);
  await streamOpen(owner.page);

  // The grantee uploads through the page; the owner's open folder shows it, highlighted.
  const notes = makeFile(testInfo, "notes from gia.txt", 2000);
  await grantee.page.getByTestId("upload-input").setInputFiles([notes.path]);
  await expect(row(owner.page, notes.name)).toBeVisible();
  await expect(row(owner.page, notes.name)).toHaveAttribute("data-live-changed", "true");

  // The owner renames it; the grantee sees the new name.
  const listed = await g.query<Listed>("drive.list", { folderId: team.id });
  await o.mutate("drive.rename", { nodeId: listed.items.find((n) => n.name === notes.name)!.id, name: "notes (checked).txt" });
  await expect(row(grantee.page, "notes (checked).txt")).toBeVisible();

  // An anonymous visitor drops a file through an upload link (tus, no session).
  const link = await o.mutate<{ token: string }>("share.createLink", { nodeId: team.id, permission: "UPLOAD" });
  const body = Buffer.from("dropped by a visitor\n");
  const created = await fetch(`${baseURL}/api/upload`, {
    method: "POST",
    headers: {
      "Tus-Resumable": "1.0.0",
      "X-Yunpan-Share": link.token,
      "Upload-Length": String(body.length),
      "Upload-Metadata": `filename ${Buffer.from("dropped.txt").toString("base64")}`,
    },
  });
  expect(created.status).toBe(201);
  const patched = await fetch(new URL(created.headers.get("location")!, baseURL), {
    method: "PATCH",
    headers: { "Tus-Resumable": "1.0.0", "X-Yunpan-Share": link.token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
    body,
  });
  expect(patched.status).toBe(204);
  await expect(row(owner.page, "dropped.txt")).toBeVisible();
  await expect(row(grantee.page, "dropped.txt")).toBeVisible();
  await owner.context.close();
  await grantee.context.close();
});

test("offline, five changes, back online: each applied once, replayed from the stream by cursor", async ({ browser }) => {
  const watcher = await newUser(browser, "Wes");
  await streamOpen(watcher.page);
  // Another device of the same user makes the changes.
  const other = await browser.newContext({ storageState: await watcher.context.storageState() });
  const o = api(other.request);
  const folder = await o.mutate<{ id: string }>("drive.createFolder", { name: "Before" });
  await expect(row(watcher.page, "Before")).toBeVisible();

  await watcher.context.setOffline(true);
  // Chromium's offline emulation leaves an open stream alone; the tab ends it on "offline".
  await expect(watcher.page.locator("html")).toHaveAttribute("data-live", "offline");
  const names = ["one", "two", "three", "four", "five"];
  for (const name of names) await o.mutate("drive.createFolder", { name, parentId: null });
  await o.mutate("drive.rename", { nodeId: folder.id, name: "After" });
  const { cursor } = await o.query<{ cursor: string }>("changes.cursor");
  await watcher.context.setOffline(false);

  // The stream catches up to the last change, and the listing holds each folder exactly once.
  await expect(watcher.page.locator("html")).toHaveAttribute("data-live-seq", cursor, { timeout: 60_000 });
  for (const name of [...names, "After"]) await expect(row(watcher.page, name)).toHaveCount(1);
  await expect(row(watcher.page, "Before")).toHaveCount(0);
  await expect(watcher.page.getByTestId("node-row")).toHaveCount(names.length + 1);
  await other.close();
  await watcher.context.close();
});

test("screenshots of a live update: light and dark, English and Chinese", async ({ browser, baseURL }) => {
  mkdirSync(SHOTS, { recursive: true });
  const viewer = await newUser(browser, "Vic");
  const other = await browser.newContext({ storageState: await viewer.context.storageState() });
  const o = api(other.request);
  for (const name of ["Budget", "Photos", "Reports"]) await o.mutate("drive.createFolder", { name });
  for (const [locale, scheme] of [
    ["en", "light"],
    ["en", "dark"],
    ["zh", "light"],
    ["zh", "dark"],
  ] as const) {
    await viewer.context.addCookies([{ name: "yp-locale", value: locale, url: baseURL! }]);
    await viewer.page.emulateMedia({ colorScheme: scheme });
    await viewer.page.goto("/drive");
    await streamOpen(viewer.page);
    const name = locale === "zh" ? `实时更新 ${scheme}` : `Live update ${scheme}`;
    await o.mutate("drive.createFolder", { name });
    await expect(row(viewer.page, name)).toHaveAttribute("data-live-changed", "true");
    await viewer.page.screenshot({ path: path.join(SHOTS, `live-${locale}-${scheme}.png`) });
  }
  await other.close();
  await viewer.context.close();
});
