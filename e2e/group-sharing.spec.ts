import { expect, test, type Browser, type Page } from "@playwright/test";
import { adminCli, PASSWORD, screenshot, signedIn as signedInAs } from "./helpers";

// The share dialog's People tab shares a folder with a group: its members find it under "Shared
// with me"; someone removed from the group loses it. Screenshots of the tab with a group chosen,
// in light and dark, English and Chinese.

const OWNER = "gs-owner@yunpan.test";
const MEMBER = "gs-member@yunpan.test";
const row = (page: Page, name: string) => page.getByTestId("node-row").filter({ hasText: name });

/** Signed in at this spec's window size. */
function signedIn(browser: Browser, email: string, opts: { locale?: "en" | "zh"; dark?: boolean } = {}) {
  return signedInAs(browser, email, { ...opts, viewport: { width: 1280, height: 900 } });
}

/** Opens the share dialog of a row and its People tab (labels in either language). */
async function openPeople(page: Page, name: string) {
  await row(page, name).click({ button: "right" });
  await page.getByRole("menuitem", { name: /^(Share|分享)$/ }).click();
  await page.getByRole("dialog").getByRole("tab", { name: /People|成员/ }).click();
}

test("a folder shared with a group reaches its members, and leaves one removed from it", async ({ browser }) => {
  test.setTimeout(240_000);
  adminCli(["create-user", "--email", OWNER, "--name", "Olivia Owner", "--password", PASSWORD]);
  adminCli(["create-user", "--email", MEMBER, "--name", "Max Member", "--password", PASSWORD]);
  adminCli(["groups", "create", "Design"]);
  adminCli(["groups", "add", "Design", OWNER]);
  adminCli(["groups", "add", "Design", MEMBER]);
  adminCli(["groups", "create", "Marketing 市场部"]);
  adminCli(["groups", "add", "Marketing 市场部", OWNER]);
  adminCli(["groups", "create", "Finance"]); // the owner is not in it: not offered

  const owner = await signedIn(browser, OWNER);
  await owner.getByRole("button", { name: "New folder" }).click();
  await owner.getByLabel("Folder name").fill("Campaign 2027");
  await owner.getByRole("button", { name: "Create" }).click();
  await expect(row(owner, "Campaign 2027")).toBeVisible();

  await openPeople(owner, "Campaign 2027");
  await owner.getByRole("radio", { name: "Group" }).click();
  const options = owner.getByTestId("group-options").getByRole("option");
  await expect(options).toHaveCount(2);
  await expect(owner.getByTestId("group-options")).not.toContainText("Finance");
  await owner.getByLabel("Find a group").fill("des");
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText("2 members");
  await options.first().getByRole("button").click();
  await owner.getByRole("dialog").getByRole("combobox", { name: "People" }).selectOption("EDITOR");
  await owner.getByTestId("grant-form").getByRole("button", { name: "Share" }).click();
  const grantRow = owner.getByTestId("grant-row").filter({ hasText: "Design" });
  await expect(grantRow).toContainText("Group");
  await expect(grantRow.getByRole("combobox")).toHaveValue("EDITOR");

  const member = await signedIn(browser, MEMBER);
  await member.goto("/shared");
  await expect(member.getByTestId("shared-row")).toContainText("Campaign 2027");
  await expect(member.getByTestId("shared-row")).toContainText("Through the group Design");

  // Removed from the group, the member's open page loses it by itself (the event stream).
  await expect(member.locator("html")).toHaveAttribute("data-live", "open");
  adminCli(["groups", "remove", "Design", MEMBER]);
  await expect(member.getByTestId("shared-empty")).toBeVisible();

  for (const locale of ["en", "zh"] as const) {
    for (const dark of [false, true]) {
      const page = await signedIn(browser, OWNER, { locale, dark });
      await page.goto("/drive");
      await openPeople(page, "Campaign 2027");
      await page.getByRole("radiogroup").getByRole("radio").nth(1).click();
      await page.getByTestId("group-options").getByRole("option").filter({ hasText: "Marketing" }).getByRole("button").click();
      await expect(page.getByTestId("group-options").getByRole("option", { selected: true })).toHaveCount(1);
      await screenshot(page, test.info(), `group-share-${locale}-${dark ? "dark" : "light"}`);
      await page.context().close();
    }
  }
});
