import { expect, test } from "@playwright/test";
import { adminCli, PASSWORD, screenshot, signedIn } from "./helpers";

// Admin → Groups: an admin creates a group, finds a person by typing and adds them; the CLI sees
// the same membership. Screenshots of the page in light and dark, English and Chinese.

const ADMIN = "groups-admin@yunpan.test";
const people = [
  { email: "gina@yunpan.test", name: "Gina Park" },
  { email: "hao@yunpan.test", name: "Hao Chen 陈浩" },
  { email: "ivy@yunpan.test", name: "Ivy Stone" },
];


test("an admin creates a group and adds a member by searching as they type", async ({ browser }) => {
  test.setTimeout(240_000);
  adminCli(["create-user", "--email", ADMIN, "--name", "Groups Admin", "--password", PASSWORD, "--admin"]);
  for (const p of people) adminCli(["create-user", "--email", p.email, "--name", p.name, "--password", PASSWORD]);
  // A few groups made with the CLI, so the list has something besides the one made on the page.
  adminCli(["groups", "create", "Engineering"]);
  adminCli(["groups", "add", "Engineering", "hao@yunpan.test"]);
  adminCli(["groups", "add", "Engineering", "ivy@yunpan.test"]);
  adminCli(["groups", "create", "财务部"]);

  const admin = await signedIn(browser, ADMIN);
  await admin.goto("/admin");
  await admin.getByRole("link", { name: "Groups" }).click();
  await expect(admin).toHaveURL(/\/admin\/groups$/);
  await expect(admin.getByTestId("group-row").filter({ hasText: "Engineering" })).toContainText("2 members");

  await admin.getByRole("button", { name: "New group" }).click();
  await admin.getByLabel("Name").fill("engineering");
  await admin.getByRole("dialog").getByRole("button", { name: "New group" }).click();
  await expect(admin.getByRole("dialog")).toContainText("already exists");
  await admin.getByLabel("Name").fill("Design team");
  await admin.getByRole("dialog").getByRole("button", { name: "New group" }).click();
  await expect(admin.getByRole("dialog")).toHaveCount(0);
  const row = admin.getByTestId("group-row").filter({ hasText: "Design team" });
  await expect(row).toContainText("0 members");

  // The new group is selected: type part of a name, add the person it finds.
  const panel = admin.getByTestId("group-members-panel");
  await panel.getByLabel("Add a member").fill("gin");
  const candidate = panel.getByTestId("member-candidate").filter({ hasText: "gina@yunpan.test" });
  await candidate.getByRole("button", { name: "Add" }).click();
  await expect(panel.getByTestId("group-member").filter({ hasText: "gina@yunpan.test" })).toBeVisible();
  await expect(row).toContainText("1 member");
  expect(adminCli(["groups", "members", "Design team"])).toEqual([{ email: "gina@yunpan.test", name: "Gina Park", source: "local" }]);
  await panel.getByLabel("Add a member").fill("");

  // Search narrows the list. The e2e server is shared, so other specs' groups (group-sharing's
  // "Design") may be listed too: the query and the checks name this spec's groups only.
  await admin.getByLabel("Search groups").fill("design t");
  await expect(admin.getByTestId("group-row")).toHaveCount(1);
  await expect(admin.getByTestId("group-row")).toContainText("Design team");
  await admin.getByLabel("Search groups").fill("");
  for (const name of ["Engineering", "财务部", "Design team"]) await expect(admin.getByTestId("group-row").filter({ hasText: name })).toHaveCount(1);

  // Screenshots: Engineering selected, in each language and scheme.
  for (const locale of ["en", "zh"] as const) {
    for (const dark of [false, true]) {
      const page = await signedIn(browser, ADMIN, { locale, dark });
      await page.goto("/admin/groups");
      await page.getByTestId("group-row").filter({ hasText: "Engineering" }).click();
      await expect(page.getByTestId("group-member")).toHaveCount(2);
      await page.getByTestId("group-members-panel").getByRole("searchbox").fill("g");
      await expect(page.getByTestId("member-candidate").first()).toBeVisible();
      await screenshot(page, test.info(), `groups-${locale}-${dark ? "dark" : "light"}`);
      await page.context().close();
    }
  }

  // Removing the member and deleting the group (after confirming) leave nothing behind.
  await panel.getByRole("button", { name: "Remove gina@yunpan.test from the group" }).click();
  await expect(panel.getByTestId("group-member")).toHaveCount(0);
  await row.getByRole("button", { name: "More actions for Design team" }).click();
  await admin.getByRole("menuitem", { name: "Delete" }).click();
  await expect(admin.getByRole("alertdialog")).toContainText("Delete “Design team”?");
  await screenshot(admin, test.info(), "groups-delete-confirm");
  await admin.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(admin.getByTestId("group-row").filter({ hasText: "Design team" })).toHaveCount(0);
  const left = (adminCli(["groups", "list"]) as { name: string }[]).map((g) => g.name);
  expect(left).toEqual(expect.arrayContaining(["Engineering", "财务部"]));
  expect(left).not.toContain("Design team");
});
