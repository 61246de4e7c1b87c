import { writeFileSync } from "node:fs";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import sharp from "sharp";
import { screenshot, signUp } from "./helpers";

// How the drive looks: thumbnails in the grid, previews and versions in Chinese, and every page at
// phone width with nothing wider than the screen.

const row = (page: Page, name: string) => page.locator(`[data-testid="node-row"][data-name="${name}"]`);

async function picture(testInfo: TestInfo, name: string, hue: [number, number, number], width = 1600, height = 1000) {
  const [r, g, b] = hue;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="rgb(${r},${g},${b})"/><stop offset="1" stop-color="rgb(${b},${r},${g})"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width * 0.7}" cy="${height * 0.45}" r="${height * 0.16}" fill="#ffd98c"/>
    <rect y="${height * 0.72}" width="100%" height="${height * 0.28}" fill="rgba(20,40,80,0.55)"/></svg>`;
  const file = testInfo.outputPath(name);
  const out = sharp(Buffer.from(svg));
  writeFileSync(file, name.endsWith(".jpg") ? await out.jpeg({ quality: 85 }).toBuffer() : await out.png().toBuffer());
  return file;
}

const PHONE = { width: 390, height: 844 };

/**
 * Nothing on the page is wider than the phone (no sideways scrolling). Compared with the device
 * width, not innerWidth: a mobile browser widens its layout viewport to fit overflowing content.
 */
async function expectNoSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, inner: window.innerWidth }));
  expect(widths).toEqual({ doc: expect.any(Number), body: expect.any(Number), inner: PHONE.width });
  expect(Math.max(widths.doc, widths.body)).toBeLessThanOrEqual(PHONE.width);
}

test("grid thumbnails, previews and versions in Chinese", async ({ page, context }, testInfo) => {
  await signUp(page, { name: "Lin", email: `lin-${Date.now()}@example.com` });
  const files = [
    await picture(testInfo, "海边日落.jpg", [40, 70, 160]),
    await picture(testInfo, "mountain.png", [90, 140, 90]),
    await picture(testInfo, "city-night.jpg", [30, 30, 80], 1000, 1400),
  ];
  const notes = testInfo.outputPath("会议纪要.md");
  writeFileSync(notes, "# 周会纪要\n\n- 发布 0.2 版本\n- 修复上传恢复问题\n");
  await page.getByTestId("upload-input").setInputFiles([...files, notes]);
  for (const name of ["海边日落.jpg", "mountain.png", "city-night.jpg", "会议纪要.md"]) await expect(row(page, name)).toBeVisible();

  await page.getByRole("button", { name: "Grid view" }).click();
  // Each picture's tile shows its server-made WebP thumbnail, not the original: through the session
  // route while it is being made, through its signed URL once a listing carries one.
  const thumbnailSrc = /\/thumbnail\?v=|^\/api\/thumb\/[0-9a-f]{64}\.webp\?e=\d+&s=/;
  for (const name of ["海边日落.jpg", "mountain.png", "city-night.jpg"]) {
    const img = row(page, name).locator("img");
    await expect(img).toHaveAttribute("src", thumbnailSrc);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await img.evaluate((el: HTMLImageElement) => Math.max(el.naturalWidth, el.naturalHeight))).toBe(320);
  }
  // All made: a fresh listing gives every tile its signed URL.
  await page.reload();
  await page.getByRole("button", { name: "Grid view" }).click();
  for (const name of ["海边日落.jpg", "mountain.png", "city-night.jpg"]) {
    const img = row(page, name).locator("img");
    await expect(img).toHaveAttribute("src", /^\/api\/thumb\/[0-9a-f]{64}\.webp\?e=\d+&s=/);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && Math.max(el.naturalWidth, el.naturalHeight)), { timeout: 30_000 }).toBe(320);
  }
  await screenshot(page, testInfo, "60-grid-thumbnails");
  await page.emulateMedia({ colorScheme: "dark" });
  await screenshot(page, testInfo, "61-grid-thumbnails-dark");
  await page.emulateMedia({ colorScheme: "light" });

  // 中文: previews and versions.
  await context.addCookies([{ name: "yp-locale", value: "zh", url: page.url() }]);
  await page.reload();
  await row(page, "海边日落.jpg").dblclick();
  const preview = page.getByTestId("preview-dialog");
  await expect(preview).toHaveAttribute("data-kind", "image");
  await expect.poll(() => preview.getByRole("img").evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1600);
  await expect(preview.getByTestId("preview-download")).toContainText("下载");
  await screenshot(page, testInfo, "62-preview-image-zh");
  await page.keyboard.press("Escape");
  await row(page, "会议纪要.md").dblclick();
  await expect(preview).toHaveAttribute("data-kind", "text");
  await expect(preview.getByTestId("text-preview")).toContainText("修复上传恢复问题");
  await screenshot(page, testInfo, "63-preview-text-zh");
  await page.keyboard.press("Escape");

  // A second upload of the same name is version 2.
  writeFileSync(notes, "# 周会纪要\n\n- 发布 0.2 版本\n- 修复上传恢复问题\n- 新增缩略图\n");
  await page.getByTestId("upload-input").setInputFiles([notes]);
  await page.getByTestId("conflict-dialog").getByRole("button", { name: "上传" }).click();
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const q = (proc: string, input: unknown) => fetch(`/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`).then((r) => r.json());
        const list = await q("drive.list", { folderId: null });
        const node = list.result.data.json.items.find((n: { name: string }) => n.name === "会议纪要.md");
        return (await q("drive.versions", { nodeId: node.id })).result.data.json.length;
      }),
    )
    .toBe(2);
  await row(page, "会议纪要.md").click({ button: "right" });
  await page.getByRole("menuitem", { name: "历史版本" }).click();
  const versions = page.getByTestId("versions-dialog");
  await expect(versions.getByTestId("version-row")).toHaveCount(2, { timeout: 20_000 });
  await screenshot(page, testInfo, "64-versions-zh");
  await page.emulateMedia({ colorScheme: "dark" });
  await screenshot(page, testInfo, "65-versions-zh-dark");
});

test("every page fits a phone", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto("/sign-up");
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "70-phone-sign-up");
  await signUp(page, { name: "Mo", email: `mo-${Date.now()}@example.com` });
  const pic = await picture(testInfo, "phone-photo.png", [160, 80, 60], 800, 600);
  const long = testInfo.outputPath("a-very-long-file-name-that-would-push-the-layout-sideways-on-a-phone-screen.txt");
  writeFileSync(long, "hello\n");
  await page.getByTestId("upload-input").setInputFiles([pic, long]);
  await expect(row(page, "phone-photo.png")).toBeVisible();
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "71-phone-drive");
  await page.getByRole("button", { name: "Grid view" }).click();
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "72-phone-grid");
  await row(page, "phone-photo.png").click({ button: "right" });
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "73-phone-menu");
  await page.keyboard.press("Escape");
  for (const [path, name] of [
    ["/recent", "74-phone-recent"],
    ["/starred", "75-phone-starred"],
    ["/trash", "76-phone-trash"],
    ["/search?q=phone", "77-phone-search"],
    ["/settings", "78-phone-settings"],
  ] as const) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await expectNoSidewaysScroll(page);
    await screenshot(page, testInfo, name);
  }
  await context.close();
});
