import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { expect, test } from "vitest";
import { appRouter } from "@/server/runtime/trpc-router";
import type { Actor } from "@/server/auth/actor";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { reloadSettings } from "@/server/settings/settings.service";

// The share-link rules of Admin → Settings apply to the next link made or edited, with the refusal
// under the form's own field (English and Chinese).
const t = useTestDatabase();
const DAY = 86_400_000;

async function over(actor: Actor, locale: "en" | "zh", path: string, input: unknown) {
  const req = new Request(`http://localhost/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(superjson.serialize(input)) });
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: async () => ({ actor, locale, meta: {} }) });
  const body = (await res.json()) as { error?: { json: { data: { fieldErrors: Record<string, string> | null } } } };
  return { status: res.status, fieldErrors: body.error?.json.data.fieldErrors ?? null };
}

async function setup() {
  await t.prisma.siteSetting.deleteMany();
  await reloadSettings();
  const admin = (await createTestUser({ role: "ADMIN" })).actor;
  const { actor: owner } = await createTestUser();
  const file = await createTestFile({ actor: owner, name: "report.pdf" });
  return { admin, owner, file };
}

test("password required and longest expiry: refused under their fields, en and zh; met, the link is made", async () => {
  const { admin, owner, file } = await setup();
  await callerFor(admin).admin.settings.update({ changes: { sharePasswordRequired: true, shareMaxExpiryDays: 7 } });

  const noPassword = await over(owner, "en", "share.createLink", { nodeId: file.id, permission: "DOWNLOAD" });
  expect(noPassword.status).toBe(400);
  expect(noPassword.fieldErrors).toEqual({ password: "Links on this server need a password." });
  const tooLong = await over(owner, "zh", "share.createLink", { nodeId: file.id, permission: "DOWNLOAD", password: "s3cret", expiresAt: new Date(Date.now() + 30 * DAY) });
  expect(tooLong.fieldErrors).toEqual({ expiresAt: "本服务器的分享链接须在 7 天内过期，请选择更早的日期。" });
  expect(await t.prisma.shareLink.count({ where: { nodeId: file.id } })).toBe(0);

  // No expiry asked for: the link gets the longest allowed.
  const made = await callerFor(owner).share.createLink({ nodeId: file.id, permission: "DOWNLOAD", password: "s3cret" });
  const expires = made.link.expiresAt!.getTime();
  expect(expires).toBeGreaterThan(Date.now() + 6 * DAY);
  expect(expires).toBeLessThanOrEqual(Date.now() + 7 * DAY);

  // Editing: removing the password or the expiry is refused too.
  const removePw = await over(owner, "en", "share.updateLink", { linkId: made.link.id, password: null });
  expect(removePw.fieldErrors).toEqual({ password: "Links on this server need a password." });
  const never = await over(owner, "en", "share.updateLink", { linkId: made.link.id, expiresAt: null });
  expect(never.fieldErrors).toEqual({ expiresAt: "Links on this server expire within 7 days: choose an expiry date." });

  // Rules off again: a link without password or expiry is fine.
  await callerFor(admin).admin.settings.update({ changes: { sharePasswordRequired: false, shareMaxExpiryDays: null } });
  await expect(callerFor(owner).share.createLink({ nodeId: file.id, permission: "DOWNLOAD" })).resolves.toMatchObject({ link: { expiresAt: null } });
});

test("the default download limit applies when the creator says nothing, not when they chose none; the environment wins", async () => {
  const { admin, owner, file } = await setup();
  await callerFor(admin).admin.settings.update({ changes: { shareDefaultMaxDownloads: 5 } });
  expect((await callerFor(owner).share.createLink({ nodeId: file.id, permission: "DOWNLOAD" })).link.maxDownloads).toBe(5);
  expect((await callerFor(owner).share.createLink({ nodeId: file.id, permission: "DOWNLOAD", maxDownloads: null })).link.maxDownloads).toBeNull();
  expect((await callerFor(owner).share.createLink({ nodeId: file.id, permission: "DOWNLOAD", maxDownloads: 2 })).link.maxDownloads).toBe(2);
  await withTestEnv({ SHARE_DEFAULT_MAX_DOWNLOADS: "9", SHARE_PASSWORD_REQUIRED: "true" }, async () => {
    const listed = await callerFor(admin).admin.settings.list();
    expect(listed.find((s) => s.key === "sharePasswordRequired")).toMatchObject({ value: true, fixedByEnv: true, env: "SHARE_PASSWORD_REQUIRED" });
    const made = await callerFor(owner).share.createLink({ nodeId: file.id, permission: "DOWNLOAD", password: "s3cret" });
    expect(made.link.maxDownloads).toBe(9);
  });
});
