import { expect, test, type Browser, type Page } from "@playwright/test";
import { adminCli, makeFile, PASSWORD, screenshot, signIn } from "./helpers";

// The admin journey on a seeded server: an admin sets a user's quota and the user's next
// too-large upload is refused with the message; the admin aborts an upload in flight; the audit
// log shows both. Screenshots of every admin page, light and dark, English and Chinese.

const ADMIN = "root@yunpan.test";
const users = [
  { email: "ann@yunpan.test", name: "Ann Lee" },
  { email: "bo@yunpan.test", name: "Bo Wang 王博" },
  { email: "cai@yunpan.test", name: "Cai Xu" },
  { email: "dana@yunpan.test", name: "Dana Ortiz" },
];

async function tokenFor(email: string) {
  return (adminCli(["create-token", "--email", email, "--name", "e2e seed"]) as { token: string }).token;
}

/** A whole upload through the tus API (what any client does), or only its first `stopAt` bytes. */
async function tusUpload(baseURL: string, token: string, name: string, size: number, stopAt?: number) {
  const auth = { Authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0" };
  const meta = `filename ${Buffer.from(name).toString("base64")}`;
  const created = await fetch(`${baseURL}/api/upload`, { method: "POST", headers: { ...auth, "Upload-Length": String(size), "Upload-Metadata": meta } });
  expect(created.status).toBe(201);
  const url = new URL(created.headers.get("location")!, baseURL).toString();
  const body = new Uint8Array(stopAt ?? size).map((_, i) => (i * 31 + name.length) % 251);
  const patched = await fetch(url, { method: "PATCH", headers: { ...auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }, body });
  expect(patched.status).toBe(204);
  return url;
}

async function seed(baseURL: string) {
  adminCli(["create-user", "--email", ADMIN, "--name", "Root Admin", "--password", PASSWORD, "--admin"]);
  const tokens: Record<string, string> = {};
  for (const u of users) {
    adminCli(["create-user", "--email", u.email, "--name", u.name, "--password", PASSWORD]);
    tokens[u.email] = await tokenFor(u.email);
  }
  const files: [string, string, number][] = [
    ["ann@yunpan.test", "Quarterly report.pdf", 2_400_000],
    ["ann@yunpan.test", "Team photo.jpg", 900_000],
    ["bo@yunpan.test", "设计稿.fig", 3_600_000],
    ["bo@yunpan.test", "Quarterly report.pdf", 2_400_000],
    ["cai@yunpan.test", "dataset.csv", 1_200_000],
    ["dana@yunpan.test", "notes.md", 40_000],
    ["dana@yunpan.test", "holiday.mov", 5_200_000],
  ];
  for (const [email, name, size] of files) await tusUpload(baseURL, tokens[email]!, name, size);
  adminCli(["seed-share", "--email", "ann@yunpan.test", "--name", "Quarterly report.pdf", "--permission", "DOWNLOAD", "--expires-in-days", "7", "--downloads", "12", "--label", "for the board"]);
  adminCli(["seed-share", "--email", "bo@yunpan.test", "--name", "设计稿.fig", "--permission", "VIEW", "--downloads", "3"]);
  adminCli(["seed-share", "--email", "dana@yunpan.test", "--name", "holiday.mov", "--permission", "DOWNLOAD_UPLOAD"]);
  return tokens;
}

async function shots(page: Page, name: string) {
  await screenshot(page, test.info(), `admin-${name}`);
}

async function signedIn(browser: Browser, email: string, opts: { locale?: "en" | "zh"; dark?: boolean; mobile?: boolean } = {}) {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: opts.mobile ? { width: 390, height: 844 } : { width: 1440, height: 1000 },
    colorScheme: opts.dark ? "dark" : "light",
  });
  const page = await context.newPage();
  await signIn(page, email);
  if (opts.locale === "zh") {
    await context.addCookies([{ name: "yp-locale", value: "zh", url: test.info().project.use.baseURL! }]);
  }
  return page;
}

test("an admin runs the server: quota refuses an upload, an upload in flight is aborted, the audit log shows both", async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const tokens = await seed(baseURL!);

  // A non-admin finds no admin area.
  const ann = await signedIn(browser, "ann@yunpan.test");
  await expect(ann.getByRole("link", { name: "Administration" })).toHaveCount(0);
  await ann.goto("/admin");
  await expect(ann.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(ann.getByRole("heading", { name: "Administration" })).toHaveCount(0);

  const admin = await signedIn(browser, ADMIN);
  await admin.getByRole("link", { name: "Administration" }).first().click();
  await expect(admin).toHaveURL(/\/admin$/);
  // Other specs on the same server add their own accounts: at least the five seeded here.
  await expect.poll(async () => Number(/\d+/.exec(await admin.getByTestId("stat-users").innerText())?.[0] ?? 0)).toBeGreaterThanOrEqual(5);
  await expect(admin.getByTestId("top-users").getByText("dana@yunpan.test")).toBeVisible();

  // Quota: Ann uses ~3.3 MB; 4 MiB leaves less than the next file needs.
  await admin.getByRole("link", { name: "Users" }).click();
  await admin.getByPlaceholder("Search by email or name").fill("ann@");
  await expect(admin.getByTestId("user-row")).toHaveCount(1);
  await admin.getByRole("button", { name: "Actions for ann@yunpan.test" }).click();
  await admin.getByRole("menuitem", { name: "Set quota" }).click();
  await admin.getByLabel("Custom").check();
  await admin.getByLabel("Amount").fill("4");
  await admin.getByLabel("Unit").selectOption("MB");
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByTestId("toast").filter({ hasText: /Quota of ann@yunpan\.test set to 4(\.0)? MiB/ })).toBeVisible();
  await expect(admin.getByTestId("user-row").getByTestId("user-usage")).toContainText(/of 4(\.0)? MiB/);

  const big = makeFile(test.info(), "too-big.bin", 2 * 1024 * 1024);
  await ann.goto("/drive");
  await ann.getByTestId("upload-input").setInputFiles(big.path);
  const item = ann.getByTestId("upload-item").filter({ hasText: "too-big.bin" });
  await expect(item).toHaveAttribute("data-status", "error");
  await expect(item).toContainText("Not enough space");

  // An upload in flight (Cai's client stopped after 1 of 6 MB) is aborted by the admin.
  const inFlight = await tusUpload(baseURL!, tokens["cai@yunpan.test"]!, "Large backup.tar", 6_000_000, 1_000_000);
  await admin.getByRole("link", { name: "Uploads" }).click();
  const row = admin.getByTestId("upload-row").filter({ hasText: "Large backup.tar" });
  await expect(row).toContainText("16%");
  await shots(admin, "04-uploads");
  await row.getByRole("button", { name: "Abort the upload of Large backup.tar" }).click();
  await expect(admin.getByRole("alertdialog")).toContainText("Abort the upload of Large backup.tar?");
  await shots(admin, "04b-abort-dialog");
  await admin.getByRole("alertdialog").getByRole("button", { name: "Abort" }).click();
  await expect(admin.getByTestId("toast").filter({ hasText: "Upload of Large backup.tar aborted" })).toBeVisible();
  await expect(row).toHaveCount(0);
  // The client's next request finds the upload gone.
  const resume = await fetch(inFlight, { method: "HEAD", headers: { Authorization: `Bearer ${tokens["cai@yunpan.test"]}`, "Tus-Resumable": "1.0.0" } });
  expect([404, 410]).toContain(resume.status);

  // The audit log shows both.
  await admin.getByRole("link", { name: "Audit log" }).click();
  await expect(admin.locator(`[data-testid="audit-row"][data-action="admin.upload.abort"]`)).toBeVisible();
  await expect(admin.locator(`[data-testid="audit-row"][data-action="admin.user.setQuota"]`)).toContainText("ann");
  await admin.getByLabel("Action").selectOption("admin.user.setQuota");
  await admin.getByRole("button", { name: "Apply" }).click();
  await expect(admin.getByTestId("audit-row")).toHaveCount(1);
  const [csv] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("link", { name: "Export CSV" }).click()]);
  const csvText = await (await csv.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"));
  expect(csvText).toContain("admin.user.setQuota");
  expect(csvText).not.toContain("admin.upload.abort");
  await admin.getByRole("button", { name: "Clear" }).click();
  await shots(admin, "05-audit");

  // Disable Dana (the session and token tests are in server/admin/admin-users.int.test.ts).
  await admin.getByRole("link", { name: "Users" }).click();
  await admin.getByRole("button", { name: "Actions for dana@yunpan.test" }).click();
  await admin.getByRole("menuitem", { name: "Disable" }).click();
  await admin.getByRole("alertdialog").getByRole("button", { name: "Disable" }).click();
  await expect(admin.getByTestId("user-row").filter({ hasText: "dana@yunpan.test" })).toContainText("Disabled");

  // Screenshots of every page.
  await admin.getByRole("link", { name: "Overview" }).click();
  await expect(admin.getByTestId("chart-uploads").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(admin.getByTestId("chart-growth").locator(".recharts-area-area")).toBeVisible();
  await shots(admin, "01-overview");
  await admin.getByRole("link", { name: "Users" }).click();
  await expect(admin.getByTestId("user-row").filter({ hasText: "@yunpan.test" })).toHaveCount(5);
  await shots(admin, "02-users");
  await admin.getByRole("link", { name: "Shares" }).click();
  await expect(admin.getByTestId("share-row")).toHaveCount(3);
  await shots(admin, "03-shares");
  await admin.getByRole("link", { name: "System" }).click();
  await expect(admin.getByTestId("config-table")).toBeVisible();
  await expect(admin.getByTestId("queue-table")).toBeVisible();
  await shots(admin, "06-system");

  const dark = await signedIn(browser, ADMIN, { dark: true, locale: "zh" });
  const pages = [
    ["/admin", "07-overview-zh-dark", dark.getByTestId("chart-growth").locator(".recharts-area-area")],
    ["/admin/users", "08-users-zh-dark", dark.getByTestId("user-row").first()],
    ["/admin/audit", "09-audit-zh-dark", dark.getByTestId("audit-row").first()],
    ["/admin/system", "10-system-zh-dark", dark.getByTestId("config-table")],
    ["/admin/shares", "11-shares-zh-dark", dark.getByTestId("share-row").first()],
  ] as const;
  for (const [path, name, loaded] of pages) {
    await dark.goto(path);
    await expect(dark.getByRole("heading", { name: "管理" })).toBeVisible();
    await expect(loaded).toBeVisible();
    await shots(dark, name);
  }
  const phone = await signedIn(browser, ADMIN, { mobile: true });
  await phone.goto("/admin");
  await expect(phone.getByTestId("stat-users")).toContainText(/\d/);
  await shots(phone, "12-overview-phone");
  await phone.goto("/admin/users");
  await expect(phone.getByTestId("user-row").first()).toBeVisible();
  await shots(phone, "13-users-phone");
});
