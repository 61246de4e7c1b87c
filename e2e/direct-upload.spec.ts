import { DeleteBucketCorsCommand, S3Client } from "@aws-sdk/client-s3";
import { expect, test, type Page } from "@playwright/test";
import { adminCli, downloadRow, makeFile, screenshot, sha256File, signUp } from "./helpers";

// Direct upload to S3: the browser sends the parts straight to the bucket (a throwaway Ceph RGW).
// Run with `E2E_S3=1 node scripts/with-s3.mjs npx playwright test e2e/direct-upload.spec.ts`.
const endpoint = process.env.E2E_S3 === "1" ? process.env.TEST_S3_ENDPOINT : undefined;
test.skip(!endpoint, "needs E2E_S3=1 under scripts/with-s3.mjs (the server must store on S3)");

const MiB = 1024 * 1024;
const rgw = endpoint ? new URL(endpoint) : null;

/** Every request the page makes, as "METHOD origin/path". */
function recordRequests(page: Page) {
  const log: { method: string; url: URL }[] = [];
  page.on("request", (r) => log.push({ method: r.method(), url: new URL(r.url()) }));
  return log;
}

test("a 100 MiB file goes part by part straight to the bucket, none through the app, and downloads byte for byte", async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  // The rule browsers need, set through the admin CLI on the running server.
  adminCli(["s3-cors"]);
  const file = makeFile(testInfo, "film.bin", 100 * MiB);
  const page = await (await browser.newContext()).newPage();
  await signUp(page, { name: "Dora", email: `dora-${Date.now()}@example.com` });
  const log = recordRequests(page);

  // Uploads slowed down (Chromium's own throttling) until the panel is photographed mid-upload.
  const cdp = await page.context().newCDPSession(page);
  const throttle = (bytesPerSecond: number) =>
    cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  await throttle(8 * MiB);

  await page.getByTestId("upload-input").setInputFiles([file.path]);
  const item = page.getByTestId("upload-item").filter({ hasText: file.name });
  // Progress, speed, time left and the route are on screen.
  await expect(item.getByTestId("upload-stats")).toContainText(/^[1-9]\d*% · .* MiB of 100 MiB · .*\/s/, { timeout: 120_000 });
  await expect(item).toContainText(/\d+s left/);
  await expect(item.getByTestId("upload-route")).toHaveText("Straight to storage");
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await screenshot(page, testInfo, `direct-upload-${scheme}`);
  }
  // The same upload read in Chinese: the route and the figures follow the language.
  await page.getByRole("button", { name: "中文" }).click();
  await expect(item.getByTestId("upload-stats")).toContainText(/^[1-9]\d*% · .* MiB \/ 100 MiB · .*\/秒/);
  await expect(item.getByTestId("upload-route")).toHaveText("直传存储");
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await screenshot(page, testInfo, `direct-upload-zh-${scheme}`);
  }
  await page.getByRole("button", { name: "English" }).click();
  await page.emulateMedia({ colorScheme: "light" });
  await throttle(-1);
  await expect(item).toHaveAttribute("data-status", "done", { timeout: 180_000 });

  const puts = log.filter((r) => r.method === "PUT");
  expect(puts.length).toBeGreaterThanOrEqual(7); // 100 MiB in parts of 8 MiB or more
  expect(puts.every((r) => r.url.host === rgw!.host && r.url.searchParams.has("partNumber"))).toBe(true);
  expect(log.filter((r) => r.url.pathname.startsWith("/api/upload"))).toEqual([]);

  const { path: downloaded } = await downloadRow(page, testInfo, file.name);
  expect(sha256File(downloaded)).toBe(file.sha256);
});

test("without the bucket's CORS rule the browser falls back to tus by itself, says so, and still finishes", async ({ browser }, testInfo) => {
  const s3 = new S3Client({
    endpoint,
    region: process.env.TEST_S3_REGION ?? "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.TEST_S3_ACCESS_KEY_ID ?? "", secretAccessKey: process.env.TEST_S3_SECRET_ACCESS_KEY ?? "" },
  });
  await s3.send(new DeleteBucketCorsCommand({ Bucket: process.env.TEST_S3_BUCKET ?? "yunpan-test" }));
  s3.destroy();
  const file = makeFile(testInfo, "fallback.bin", 12 * MiB);
  const page = await (await browser.newContext()).newPage();
  await signUp(page, { name: "Eve", email: `eve-${Date.now()}@example.com` });
  const log = recordRequests(page);
  await page.getByTestId("upload-input").setInputFiles([file.path]);
  const item = page.getByTestId("upload-item").filter({ hasText: file.name });
  await expect(item).toHaveAttribute("data-status", "done", { timeout: 120_000 });
  await expect(item.getByTestId("upload-note")).toHaveText("Storage could not be reached directly from this browser; uploading through the server instead.");
  expect(log.some((r) => r.method === "PATCH" && r.url.pathname.startsWith("/api/upload"))).toBe(true);
  await screenshot(page, testInfo, "direct-upload-fallback");
  // The note follows the language it is read in.
  await page.getByRole("button", { name: "中文" }).click();
  await expect(item.getByTestId("upload-note")).toHaveText("浏览器无法直接连接存储，已改为经服务器上传。");
  await screenshot(page, testInfo, "direct-upload-fallback-zh");
  await page.getByRole("button", { name: "English" }).click();
  await expect(item.getByTestId("upload-note")).toHaveText(/^Storage could not be reached/);
  const { path: downloaded } = await downloadRow(page, testInfo, file.name);
  expect(sha256File(downloaded)).toBe(file.sha256);
});

test("a reload at about half way resumes from the parts the bucket holds, and the file downloads byte for byte", async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  adminCli(["s3-cors"]);
  const file = makeFile(testInfo, "resume.bin", 100 * MiB);
  const page = await (await browser.newContext()).newPage();
  await signUp(page, { name: "Finn", email: `finn-${Date.now()}@example.com` });
  page.on("dialog", (d) => void d.accept()); // "leave the page?" while bytes are in flight
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 8 * MiB });

  await page.getByTestId("upload-input").setInputFiles([file.path]);
  const uploading = page.getByTestId("upload-item").filter({ hasText: file.name });
  await expect(uploading.getByTestId("upload-route")).toHaveText("Straight to storage", { timeout: 120_000 });
  // Past 48% (6 parts of 8 MiB in flight at most) at least one part is stored whole.
  await expect(uploading.getByTestId("upload-stats")).toContainText(/^(5\d|6\d)% · /, { timeout: 120_000 });
  await page.reload();
  await expect(page.getByTestId("interrupted-upload").filter({ hasText: file.name })).toBeVisible();

  const log = recordRequests(page);
  await page.getByTestId("upload-input").setInputFiles([file.path]);
  const item = page.getByTestId("upload-item").filter({ hasText: file.name });
  await expect(item).toHaveAttribute("data-status", "done", { timeout: 180_000 });
  // 13 parts of 8 MiB: the ones stored before the reload were not sent again.
  const puts = log.filter((r) => r.method === "PUT" && r.url.host === rgw!.host);
  expect(puts.length).toBeGreaterThan(0);
  expect(puts.length).toBeLessThan(13);
  const { path: downloaded } = await downloadRow(page, testInfo, file.name);
  expect(sha256File(downloaded)).toBe(file.sha256);
});

test("a claimed sha256 that the stored bytes do not match ends quarantined: the owner is told why, and the download is refused", async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  adminCli(["s3-cors"]);
  const file = makeFile(testInfo, "forged.bin", 12 * MiB);
  const page = await (await browser.newContext()).newPage();
  await signUp(page, { name: "Gus", email: `gus-${Date.now()}@example.com` });
  // A client that lies about the hash (or computed it wrong): its start call claims another sha256.
  const claimed = "0".repeat(64);
  await page.route("**/api/trpc/**", async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || !request.url().includes("upload.directStart")) return route.fallback();
    await route.continue({ postData: request.postData()!.replace(/"sha256":"[0-9a-fA-F]{64}"/, `"sha256":"${claimed}"`) });
  });

  const log = recordRequests(page);
  await page.getByTestId("upload-input").setInputFiles([file.path]);
  const item = page.getByTestId("upload-item").filter({ hasText: file.name });
  // Recorded at once; the server's verification job runs afterwards.
  await expect(item).toHaveAttribute("data-status", "done", { timeout: 120_000 });
  expect(log.some((r) => r.method === "PUT" && r.url.host === rgw!.host)).toBe(true);
  const row = page.getByTestId("node-row").filter({ hasText: file.name });
  const nodeId = await row.getAttribute("data-id");

  // The job finds other bytes than claimed: the owner's bell says so.
  const bell = page.getByTestId("notification-bell").last(); // the header has a narrow-screen copy
  await expect(bell).toHaveAccessibleName(/\(1\)$/, { timeout: 120_000 });
  await bell.click();
  const notice = page.getByTestId("notification-item").filter({ hasText: file.name });
  await expect(notice).toContainText(`“${file.name}” was quarantined: the stored bytes do not match the checksum your browser computed`);
  // The open list marks the file too, live, with the reason on hover.
  const badge = row.getByTestId("quarantined-badge");
  await expect(badge).toHaveText("Quarantined");
  await expect(badge).toHaveAttribute("title", /do not match the checksum computed when it was uploaded/);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await screenshot(page, testInfo, `direct-upload-quarantined-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });

  // Every download path refuses it, with the reason.
  const refused = await page.request.get(`/api/files/${nodeId}/content`);
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain(`“${file.name}” is quarantined: its stored bytes do not match the checksum computed when it was uploaded`);

  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "中文" }).click();
  await bell.click();
  await expect(notice).toContainText(`“${file.name}”已被隔离：存储的内容与浏览器计算的校验和不一致`);
  await expect(badge).toHaveText("已隔离");
  await screenshot(page, testInfo, "direct-upload-quarantined-zh");
  expect(await (await page.request.get(`/api/files/${nodeId}/content`)).text()).toContain(`“${file.name}”已被隔离`);
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "English" }).click();
});
