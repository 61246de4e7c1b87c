import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { screenshot, signUp } from "./helpers";

// Settings → Integrations end to end: create a hook against a receiver on loopback (the server
// runs with WEBHOOK_ALLOW_PRIVATE=true: playwright.config.ts sets it), its folder filter chosen in
// the drive's folder picker, the secret shown once, a test event delivered and logged.
// Screenshots in light and dark, English and Chinese.

test("create a webhook for a folder picked in the picker, send a test event, see it in the delivery log", async ({ page, context, baseURL }, testInfo) => {
  const got: string[] = [];
  const receiver = http.createServer((req, res) => {
    got.push(String(req.headers["x-yunpan-event"]));
    req.resume();
    req.on("end", () => res.writeHead(200).end("received"));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await signUp(page, { name: "Hook", email: `hook-${Date.now()}@example.com` });
    for (const name of ["Clients", "Reports"]) {
      await page.getByRole("button", { name: "New folder" }).click();
      await page.getByLabel("Folder name").fill(name);
      await page.getByRole("button", { name: "Create" }).click();
      await expect(page.getByTestId("node-row").filter({ hasText: name })).toBeVisible();
    }
    await page.goto("/settings/integrations");
    await page.getByLabel("Payload URL").fill(url);
    await expect(page.getByTestId("webhook-folder")).toHaveText("All my files");
    /** Picks a folder of the root in the form's folder picker. */
    const pickFolder = async (name: string) => {
      await page.getByRole("button", { name: "Choose folder…" }).click();
      await page.getByTestId("folder-picker").getByRole("button", { name }).click();
      await page.getByRole("button", { name: "Choose this folder" }).click();
      await expect(page.getByTestId("webhook-folder")).toHaveText(name);
    };
    await pickFolder("Clients");
    // Cleared back to everything, then the folder wanted.
    await page.getByRole("button", { name: "Clear folder (all my files)" }).click();
    await expect(page.getByTestId("webhook-folder")).toHaveText("All my files");
    await pickFolder("Reports");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await expect(page.getByTestId("webhook-secret")).toContainText("whsec_");
    await expect(page.getByTestId("webhook-row")).toContainText("Active");
    await expect(page.getByTestId("webhook-row-folder")).toHaveText("Only inside “Reports”");
    await expect(page.getByTestId("webhook-folder")).toHaveText("All my files");
    await page.getByTestId("webhook-row").getByRole("button", { name: url }).click();
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => got, { timeout: 20_000 }).toContain("ping");
    await page.reload();
    await page.getByTestId("webhook-row").getByRole("button", { name: url }).click();
    await expect(page.getByTestId("delivery-log")).toContainText("200");
    await expect(page.getByTestId("delivery-log")).toContainText("received");
    for (const dark of [false, true]) {
      await page.emulateMedia({ colorScheme: dark ? "dark" : "light" });
      await page.getByTestId("delivery-log").scrollIntoViewIfNeeded();
      await screenshot(page, testInfo, `webhooks-en-${dark ? "dark" : "light"}`);
    }
    await context.addCookies([{ name: "yp-locale", value: "zh", url: baseURL! }]);
    await page.reload();
    await page.getByTestId("webhook-row").getByRole("button", { name: url }).click();
    await expect(page.getByTestId("delivery-log")).toContainText("200");
    for (const dark of [false, true]) {
      await page.emulateMedia({ colorScheme: dark ? "dark" : "light" });
      await page.getByTestId("delivery-log").scrollIntoViewIfNeeded();
      await screenshot(page, testInfo, `webhooks-zh-${dark ? "dark" : "light"}`);
    }
  } finally {
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});
