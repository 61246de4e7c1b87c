import { expect, test } from "@playwright/test";
import { adminCli, makeFile, PASSWORD, screenshot, signedIn } from "./helpers";

// Team folders: an admin makes a group and a team folder and gives them roles; a member of the
// group uploads into it and restores a deleted file from the team folder's trash, a viewer is
// offered nothing that writes (a dropped file is refused), and a member the admin removes loses
// the folder from the page they have open. Screenshots of the admin page, of a member's folder and
// its trash, and of a viewer's folder, in light and dark, English and Chinese.

const ADMIN = "teams-admin@yunpan.test";
const WRITER = { email: "wren@yunpan.test", name: "Wren Writer" };
const VIEWER = { email: "vic@yunpan.test", name: "Vic Viewer 王" };
const LEAVER = { email: "lee@yunpan.test", name: "Lee Leaver" };


test("an admin creates a group and a team folder, a member uploads, a viewer cannot write, a removed member loses it", async ({ browser }) => {
  test.setTimeout(300_000);
  adminCli(["create-user", "--email", ADMIN, "--name", "Teams Admin", "--password", PASSWORD, "--admin"]);
  for (const p of [WRITER, VIEWER, LEAVER]) adminCli(["create-user", "--email", p.email, "--name", p.name, "--password", PASSWORD]);
  adminCli(["team-folders", "create", "市场部 Marketing", "5GiB"]);

  // The admin makes a group with the writer in it.
  const admin = await signedIn(browser, ADMIN);
  await admin.goto("/admin/groups");
  await admin.getByRole("button", { name: "New group" }).click();
  await admin.getByLabel("Name").fill("Writers");
  await admin.getByRole("dialog").getByRole("button", { name: "New group" }).click();
  await admin.getByTestId("group-members-panel").getByLabel("Add a member").fill("wren");
  await admin.getByTestId("member-candidate").filter({ hasText: WRITER.email }).getByRole("button", { name: "Add" }).click();
  await expect(admin.getByTestId("group-member").filter({ hasText: WRITER.email })).toBeVisible();

  // …then a team folder, with the group as editors and two people.
  await admin.getByRole("link", { name: "Team folders" }).click();
  await expect(admin).toHaveURL(/\/admin\/team-folders$/);
  await admin.getByRole("button", { name: "New team folder" }).click();
  await admin.getByLabel("Name").fill("Design");
  await admin.getByLabel("Quota (GiB)").fill("1");
  await admin.getByRole("dialog").getByRole("button", { name: "New team folder" }).click();
  await expect(admin.getByRole("dialog")).toHaveCount(0);
  const row = admin.getByTestId("team-folder-row").filter({ hasText: "Design" });
  await expect(row).toContainText("0 members");
  const panel = admin.getByTestId("team-members-panel");
  await panel.getByLabel("Add a group").selectOption({ label: "Writers" });
  await panel.getByRole("combobox", { name: "Role" }).nth(1).selectOption("EDITOR");
  await panel.getByRole("button", { name: "Add" }).nth(1).click();
  await expect(panel.getByTestId("team-member").filter({ hasText: "Writers" })).toBeVisible();
  for (const [who, role] of [[VIEWER, "VIEWER"], [LEAVER, "EDITOR"]] as const) {
    await panel.getByLabel("Add a person by email").fill(who.email);
    await panel.getByRole("combobox", { name: "Role" }).first().selectOption(role);
    await panel.getByRole("button", { name: "Add" }).first().click();
    await expect(panel.getByTestId("team-member").filter({ hasText: who.email })).toBeVisible();
  }
  await expect(row).toContainText("3 members");
  expect(adminCli(["team-folders", "members", "Design"])).toEqual([
    { member: "@Writers", role: "EDITOR" },
    { member: VIEWER.email, role: "VIEWER" },
    { member: LEAVER.email, role: "EDITOR" },
  ]);

  // The writer finds it under Team folders and uploads into it; it counts against the team folder.
  const writer = await signedIn(browser, WRITER.email);
  await writer.goto("/drive");
  await writer.getByTestId("team-folder-links").getByRole("link", { name: "Design" }).click();
  await expect(writer.getByRole("navigation", { name: "Breadcrumbs" })).toContainText("Design");
  const brief = makeFile(test.info(), "brief.pdf", 300_000);
  await writer.getByTestId("upload-input").setInputFiles(brief.path);
  await expect(writer.getByTestId("node-row").filter({ hasText: "brief.pdf" })).toBeVisible();
  await expect(writer.getByTestId("storage-usage")).toContainText(/^Storage0 B/);
  // A second version of it, for the viewer's version history below.
  await writer.getByTestId("upload-input").setInputFiles(brief.path);
  await writer.getByTestId("conflict-dialog").getByRole("button", { name: "Upload" }).click();
  await expect(writer.getByTestId("upload-item").filter({ hasText: "brief.pdf" }).last()).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  // An editor writes but does not share: only owners and managers make links.
  await writer.getByTestId("node-row").filter({ hasText: "brief.pdf" }).click({ button: "right" });
  await expect(writer.getByRole("menuitem", { name: "Rename", exact: true })).toBeVisible();
  await expect(writer.getByRole("menuitem", { name: "Share", exact: true })).toHaveCount(0);
  await writer.keyboard.press("Escape");
  await writer.getByTestId("node-row").filter({ hasText: "brief.pdf" }).click();
  await expect(writer.getByTestId("toolbar-share")).toHaveCount(0);
  await writer.keyboard.press("Escape");

  // The viewer sees the file and is told they can only view: nothing that writes is offered.
  const viewer = await signedIn(browser, VIEWER.email);
  await viewer.goto("/drive");
  await viewer.getByTestId("team-folder-links").getByRole("link", { name: "Design" }).click();
  await expect(viewer.getByTestId("node-row").filter({ hasText: "brief.pdf" })).toBeVisible();
  await expect(viewer.getByTestId("view-only-hint")).toHaveText("You can view this team folder");
  for (const name of ["Upload", "Upload folder", "New folder"]) await expect(viewer.getByRole("button", { name })).toHaveCount(0);
  await expect(viewer.getByTestId("upload-input")).toHaveCount(0);
  await expect(viewer.getByTestId("team-trash-link")).toHaveCount(0);
  await viewer.getByTestId("node-row").filter({ hasText: "brief.pdf" }).click({ button: "right" });
  await expect(viewer.getByRole("menuitem", { name: "Download" })).toBeVisible();
  for (const name of ["Rename", "Move", "Move to trash", "Share"]) await expect(viewer.getByRole("menuitem", { name, exact: true })).toHaveCount(0);
  await viewer.keyboard.press("Escape");
  // Its version history lists and downloads versions but offers no restore or delete.
  await viewer.getByTestId("node-row").filter({ hasText: "brief.pdf" }).click({ button: "right" });
  await viewer.getByRole("menuitem", { name: "Versions" }).click();
  const history = viewer.getByTestId("versions-dialog");
  await expect(history.getByTestId("version-row")).toHaveCount(2);
  await expect(history.getByRole("link", { name: "Download version 1" })).toBeVisible();
  await expect(history.getByRole("button", { name: "Restore version 1" })).toHaveCount(0);
  await expect(history.getByRole("button", { name: /^Delete version/ })).toHaveCount(0);
  await viewer.keyboard.press("Escape");
  await expect(history).toHaveCount(0);
  await viewer.getByTestId("node-row").filter({ hasText: "brief.pdf" }).click();
  await expect(viewer.getByTestId("selection-bar").getByRole("button", { name: "Move to trash" })).toHaveCount(0);
  // A file dropped on the page is refused with the reason, and nothing is uploaded.
  const drop = await viewer.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["sneaky"], "sneaky.txt", { type: "text/plain" }));
    return dt;
  });
  await viewer.getByTestId("node-row").first().dispatchEvent("dragenter", { dataTransfer: drop });
  await expect(viewer.getByTestId("drop-refused")).toBeVisible();
  await viewer.getByTestId("node-row").first().dispatchEvent("drop", { dataTransfer: drop });
  await expect(viewer.getByTestId("toast").filter({ hasText: "You can only view this team folder: files cannot be uploaded here." })).toBeVisible();
  await expect(viewer.getByTestId("upload-item")).toHaveCount(0);
  await viewer.reload();
  await expect(viewer.getByTestId("node-row")).toHaveCount(1);
  // Search and Recent list the same file with the same limits: only what a viewer may do.
  for (const view of ["/search?q=brief", "/recent"]) {
    await viewer.goto(view);
    await viewer.getByTestId("node-row").filter({ hasText: "brief.pdf" }).click({ button: "right" });
    await expect(viewer.getByRole("menuitem", { name: "Download" })).toBeVisible();
    for (const name of ["Rename", "Move", "Move to trash", "Share"]) await expect(viewer.getByRole("menuitem", { name, exact: true })).toHaveCount(0);
    await viewer.getByRole("menuitem", { name: "Versions" }).click();
    await expect(viewer.getByTestId("versions-dialog").getByTestId("version-row")).toHaveCount(2);
    await expect(viewer.getByTestId("versions-dialog").getByRole("button", { name: "Restore version 1" })).toHaveCount(0);
    await viewer.keyboard.press("Escape");
    await expect(viewer.getByTestId("versions-dialog")).toHaveCount(0);
  }
  await viewer.goto("/drive");

  // The writer deletes a file and restores it from the team folder's own trash.
  const draft = makeFile(test.info(), "draft.txt", 2_000);
  await writer.getByTestId("upload-input").setInputFiles(draft.path);
  await writer.getByTestId("node-row").filter({ hasText: "draft.txt" }).click();
  await writer.getByTestId("selection-bar").getByRole("button", { name: "Move to trash" }).click();
  await expect(writer.getByTestId("node-row").filter({ hasText: "draft.txt" })).toHaveCount(0);
  await writer.getByTestId("team-trash-link").click();
  await expect(writer).toHaveURL(/\/trash\/[0-9a-f-]{36}$/);
  const teamTrash = writer.url();
  await expect(writer.getByRole("heading", { name: "Trash of Design" })).toBeVisible();
  await expect(writer.getByTestId("trash-row")).toHaveCount(1);
  await expect(writer.getByTestId("trash-row").filter({ hasText: "draft.txt" })).toContainText("Design");
  await writer.getByRole("button", { name: "Restore draft.txt" }).click();
  await expect(writer.getByTestId("trash-empty")).toBeVisible();
  await writer.getByRole("link", { name: "Back to Design" }).click();
  await expect(writer.getByTestId("node-row").filter({ hasText: "draft.txt" })).toBeVisible();
  // On a phone, the bottom bar's Trash (the writer's own) is not the page shown.
  await writer.setViewportSize({ width: 390, height: 844 });
  await writer.goto(teamTrash);
  await expect(writer.getByTestId("trash-empty")).toBeVisible();
  await expect(writer.getByTestId("bottom-bar").getByRole("link", { name: "Trash" })).not.toHaveAttribute("aria-current", "page");
  await writer.goto("/trash");
  await expect(writer.getByTestId("bottom-bar").getByRole("link", { name: "Trash" })).toHaveAttribute("aria-current", "page");
  await writer.setViewportSize({ width: 1440, height: 900 });
  // The writer's own trash never held it.
  await writer.goto("/trash");
  await expect(writer.getByTestId("trash-empty")).toBeVisible();
  // Trashed again, it waits in the team trash for the screenshots.
  await writer.goto("/drive");
  await writer.getByTestId("team-folder-links").getByRole("link", { name: "Design" }).click();
  await writer.getByTestId("node-row").filter({ hasText: "draft.txt" }).click();
  await writer.getByTestId("selection-bar").getByRole("button", { name: "Move to trash" }).click();
  await expect(writer.getByTestId("node-row").filter({ hasText: "draft.txt" })).toHaveCount(0);

  // The leaver has the folder open when the admin removes them: the sidebar loses it.
  const leaver = await signedIn(browser, LEAVER.email);
  await leaver.goto("/drive");
  await leaver.getByTestId("team-folder-links").getByRole("link", { name: "Design" }).click();
  await expect(leaver.getByTestId("node-row").filter({ hasText: "brief.pdf" })).toBeVisible();
  await panel.getByRole("button", { name: `Remove ${LEAVER.email}` }).click();
  await expect(panel.getByTestId("team-member")).toHaveCount(2);
  await expect(leaver.getByTestId("team-folder-links").getByRole("link", { name: "Design" })).toHaveCount(0, { timeout: 45_000 });
  await leaver.reload();
  await expect(leaver.getByTestId("node-row")).toHaveCount(0);

  // Screenshots: the admin page with Design selected, and the writer's sidebar and folder.
  for (const locale of ["en", "zh"] as const) {
    for (const dark of [false, true]) {
      const tag = `${locale}-${dark ? "dark" : "light"}`;
      const page = await signedIn(browser, ADMIN, { locale, dark });
      await page.goto("/admin/team-folders");
      await page.getByTestId("team-folder-row").filter({ hasText: "Design" }).click();
      await expect(page.getByTestId("team-member")).toHaveCount(2);
      await screenshot(page, test.info(), `team-folders-admin-${tag}`);
      await page.context().close();
      const member = await signedIn(browser, WRITER.email, { locale, dark });
      await member.goto("/drive");
      await member.getByTestId("team-folder-links").getByRole("link", { name: "Design" }).click();
      await expect(member.getByTestId("node-row").filter({ hasText: "brief.pdf" })).toBeVisible();
      await expect(member.getByTestId("team-trash-link")).toBeVisible();
      await screenshot(member, test.info(), `team-folders-member-${tag}`);
      await member.getByTestId("team-trash-link").click();
      await expect(member.getByTestId("trash-row").filter({ hasText: "draft.txt" })).toBeVisible();
      await screenshot(member, test.info(), `team-folders-trash-${tag}`);
      await member.context().close();
      const reader = await signedIn(browser, VIEWER.email, { locale, dark });
      await reader.goto("/drive");
      await reader.getByTestId("team-folder-links").getByRole("link", { name: "Design" }).click();
      await expect(reader.getByTestId("view-only-hint")).toHaveText(locale === "zh" ? "你可以查看此团队文件夹" : "You can view this team folder");
      await screenshot(reader, test.info(), `team-folders-viewer-${tag}`);
      await reader.context().close();
    }
  }
});
