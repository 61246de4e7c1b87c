import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { strToU8, zipSync } from "fflate";
import { screenshot, signUp } from "./helpers";

// Content search: typing a Chinese word finds it inside documents (a .txt and a .docx), with the
// word highlighted in the snippet, and Enter opens the file's preview.

async function contentHits(page: Page, query: string): Promise<number> {
  return page.evaluate(async (query) => {
    const res = await fetch(`/api/trpc/search.content?input=${encodeURIComponent(JSON.stringify({ json: { query } }))}`);
    return res.ok ? (await res.json()).result.data.json.items.length : -1;
  }, query);
}

test("typing a Chinese word shows documents that contain it, highlighted, and opens the preview", async ({ page }, testInfo) => {
  test.setTimeout(480_000); // two uploads and a queued extraction on a busy 2-core machine, then the search page
  await signUp(page, { name: "Zhou Min", email: `search-${Date.now()}@example.com` });
  const dir = testInfo.outputPath("files");
  mkdirSync(dir, { recursive: true });
  const txt = path.join(dir, "meeting-notes.txt");
  writeFileSync(txt, "周一会议纪要\n我们和客户讨论了合同的付款条件。\nThe contract was uploaded on Monday.\n");
  const docx = path.join(dir, "proposal.docx");
  const body = '<w:p><w:r><w:t>项目建议书：合同金额与交付时间。</w:t></w:r></w:p>';
  writeFileSync(
    docx,
    zipSync({
      "[Content_Types].xml": strToU8("<Types/>"),
      "word/document.xml": strToU8(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
    }),
  );
  await page.getByTestId("upload-input").setInputFiles([txt, docx]);
  for (const name of ["meeting-notes.txt", "proposal.docx"]) {
    await expect(page.getByTestId("upload-item").filter({ hasText: name }).last()).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  }
  // The text is read in the background after the upload.
  await expect.poll(() => contentHits(page, "合同"), { timeout: 180_000 }).toBe(2);

  const box = page.getByRole("combobox", { name: "Search your drive" }).first();
  await box.click();
  await box.fill("合同");
  const panel = page.getByTestId("search-panel");
  const hits = panel.getByTestId("content-hit");
  await expect(hits).toHaveCount(2);
  await expect(hits.filter({ hasText: "meeting-notes.txt" }).locator("mark").first()).toHaveText("合同");
  await expect(hits.filter({ hasText: "proposal.docx" })).toContainText("项目建议书");
  await screenshot(page, testInfo, "content-search-panel");

  // ↓ to the notes (the first row is chosen by the keyboard, whichever it is), Enter opens its preview.
  const rows = panel.getByRole("listbox").getByRole("option");
  const names = await rows.allInnerTexts();
  const index = names.findIndex((n) => n.includes("meeting-notes.txt"));
  for (let i = 0; i <= index; i++) await box.press("ArrowDown");
  await expect(rows.nth(index)).toHaveAttribute("aria-selected", "true");
  await box.press("Enter");
  const preview = page.getByTestId("preview-dialog");
  await expect(preview).toBeVisible();
  await expect(preview.getByTestId("text-preview")).toContainText("我们和客户讨论了合同的付款条件");

  // Enter with no row chosen opens the search page: names above, text matches below with snippets.
  await page.keyboard.press("Escape");
  await expect(preview).toBeHidden();
  await box.click();
  await box.fill("合同");
  await box.press("Enter");
  await page.waitForURL(/\/search\?q=/);
  const section = page.getByTestId("content-section");
  await expect(section.getByRole("heading", { name: "Found inside documents" })).toBeVisible();
  const pageHits = section.getByTestId("content-hit");
  await expect(pageHits).toHaveCount(2);
  await expect(pageHits.filter({ hasText: "meeting-notes.txt" }).locator("mark").first()).toHaveText("合同");
  await expect(page.getByTestId("empty-collection")).toContainText("No file or folder name contains “合同”");
  await screenshot(page, testInfo, "search-page-light-en");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.context().addCookies([{ name: "yp-locale", value: "zh", url: page.url() }]);
  await page.reload();
  await expect(section.getByRole("heading", { name: "文档内容中的匹配" })).toBeVisible();
  await expect(pageHits).toHaveCount(2);
  await screenshot(page, testInfo, "search-page-dark-zh");
  // A click opens the file's preview from the page too.
  await pageHits.filter({ hasText: "proposal.docx" }).click();
  await expect(page.getByTestId("preview-dialog")).toBeVisible();
  // Folders have no text: that filter leaves the section out.
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "文件夹", exact: true, pressed: false }).click();
  await expect(section).toHaveCount(0);
});
