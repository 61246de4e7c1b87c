import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { Actor } from "@/server/auth/actor";
import { signUp } from "@/server/auth/auth.service";
import { createUploadSession } from "@/server/upload/upload.service";
import { callerFor, createTestUser, uniqueEmail, TEST_PASSWORD } from "@/server/test/factories";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { mutateOverHttp, rejectionOf } from "@/server/test/trpc-over-http";
import { getSettings, listSettings, reloadSettings, updateSettings } from "@/server/settings/settings.service";

const t = useTestDatabase();

/** admin.settings.update over HTTP, as the browser sees its answer. */
const updateOverHttp = (actor: Actor, locale: "en" | "zh", changes: Record<string, unknown>) => mutateOverHttp(actor, locale, "admin.settings.update", { changes });

async function admin() {
  return (await createTestUser({ role: "ADMIN" })).actor;
}

async function reset(actor: Actor) {
  await t.prisma.siteSetting.deleteMany();
  await reloadSettings();
  return actor;
}

describe("validation", () => {
  test("a bad value is refused with a field error under its key, in English and in Chinese; nothing is stored", async () => {
    const a = await reset(await admin());
    const en = await updateOverHttp(a, "en", { maxUploadBytes: 10, trashDays: 1.5 });
    expect(en.status).toBe(400);
    expect(en.error?.data.fieldErrors).toEqual({
      maxUploadBytes: "Enter a size from 1 KiB to 1 PiB.",
      trashDays: "Enter a whole number from 0 to 3650.",
    });
    const zh = await updateOverHttp(a, "zh", { maxUploadBytes: 10, signupPolicy: "maybe", siteName: "  " });
    expect(zh.error?.data.fieldErrors).toEqual({
      maxUploadBytes: "请输入 1 KiB 到 1 PiB 之间的大小。",
      signupPolicy: "请从选项中选择一项。",
      siteName: "请输入 1 到 60 个字符。",
    });
    const unknown = await updateOverHttp(a, "zh", { colour: "red" });
    expect(unknown.status).toBe(400);
    expect(unknown.error?.message).toBe("没有名为“colour”的设置。");
    expect(await t.prisma.siteSetting.count()).toBe(0);
    expect((await getSettings()).maxUploadBytes).toBe(1024 ** 4);
  });

  test("values are stored as given, including null (no limit), and read back after a reload", async () => {
    const a = await reset(await admin());
    await updateSettings({ actor: a, changes: { defaultQuotaBytes: 5 * 1024 ** 3, versionsDays: 90, siteName: "  Acme Drive " } });
    await updateSettings({ actor: a, changes: { versionsDays: null } });
    await reloadSettings();
    const s = await getSettings();
    expect(s.defaultQuotaBytes).toBe(5 * 1024 ** 3);
    expect(s.versionsDays).toBeNull();
    expect(s.siteName).toBe("Acme Drive");
    const listed = await listSettings({ actor: a });
    expect(listed.find((x) => x.key === "versionsDays")).toMatchObject({ value: null, source: "db", fixedByEnv: false, env: "VERSIONS_DAYS" });
    expect(listed.find((x) => x.key === "trashDays")).toMatchObject({ value: 30, defaultValue: 30, source: "default" });
  });

  test("a stored value this release cannot read counts as unset", async () => {
    await reset(await admin());
    await t.prisma.siteSetting.create({ data: { key: "trashDays", value: { v: "forever" } } });
    await reloadSettings();
    expect((await getSettings()).trashDays).toBe(30);
  });
});

describe("authorization and audit", () => {
  test("a USER gets FORBIDDEN from list and update, on the router and on the service", async () => {
    const { actor } = await createTestUser();
    expect((await rejectionOf(callerFor(actor).admin.settings.list())).code).toBe("FORBIDDEN");
    expect((await rejectionOf(callerFor(actor).admin.settings.update({ changes: { signupPolicy: "closed" } }))).code).toBe("FORBIDDEN");
    expect((await rejectionOf(updateSettings({ actor, changes: { signupPolicy: "closed" } }))).code).toBe("FORBIDDEN");
    expect((await rejectionOf(listSettings({ actor }))).code).toBe("FORBIDDEN");
    expect(await t.prisma.siteSetting.count({ where: { key: "signupPolicy" } })).toBe(0);
  });

  test("each change is audited once with who, old and new value; an unchanged value is not", async () => {
    const a = await reset(await admin());
    await callerFor(a).admin.settings.update({ changes: { trashDays: 7, signupPolicy: "open" } });
    await callerFor(a).admin.settings.update({ changes: { trashDays: 14 } });
    const rows = await t.prisma.auditEvent.findMany({ where: { action: "settings.changed", actorId: a.userId }, orderBy: { at: "asc" } });
    expect(rows.map((r) => r.data)).toEqual([
      // signupPolicy "open" is its default already: nothing changed, nothing said.
      { changes: [{ key: "trashDays", old: 30, new: 7 }] },
      { changes: [{ key: "trashDays", old: 7, new: 14 }] },
    ]);
    expect(rows[0]!.targetType).toBe("setting");
    expect((await t.prisma.siteSetting.findUnique({ where: { key: "trashDays" } }))?.updatedById).toBe(a.userId);
  });

  test("the two-factor policy of Security settings is one of the site settings, audited the same way", async () => {
    const a = await reset(await admin());
    await callerFor(a).security.setPolicy({ policy: "admins" });
    expect((await getSettings()).twoFactorPolicy).toBe("admins");
    expect((await listSettings({ actor: a })).find((x) => x.key === "twoFactorPolicy")).toMatchObject({ value: "admins", source: "db" });
    const audit = await t.prisma.auditEvent.findFirst({ where: { action: "settings.changed", actorId: a.userId }, orderBy: { at: "desc" } });
    expect(audit?.data).toEqual({ changes: [{ key: "twoFactorPolicy", old: "off", new: "admins" }] });
    await callerFor(a).security.setPolicy({ policy: "off" });
  });
});

describe("the environment wins", () => {
  test("a set variable fixes its setting: shown as fixed, the stored value ignored, a change refused", async () => {
    const a = await reset(await admin());
    await updateSettings({ actor: a, changes: { signupPolicy: "open", maxUploadBytes: 2 * 1024 ** 3 } });
    await withTestEnv({ SIGNUP: "closed", MAX_UPLOAD_BYTES: "1GiB" }, async () => {
      const s = await getSettings();
      expect(s.signupPolicy).toBe("closed");
      expect(s.maxUploadBytes).toBe(1024 ** 3);
      const listed = await callerFor(a).admin.settings.list();
      expect(listed.find((x) => x.key === "signupPolicy")).toMatchObject({ value: "closed", source: "env", fixedByEnv: true, env: "SIGNUP" });
      expect(listed.find((x) => x.key === "trashDays")).toMatchObject({ fixedByEnv: false });
      const refused = await updateOverHttp(a, "en", { signupPolicy: "open" });
      expect(refused.status).toBe(400);
      expect(refused.error?.message).toContain("fixed by the environment variable SIGNUP");
      const zh = await updateOverHttp(a, "zh", { maxUploadBytes: 5 * 1024 ** 3 });
      expect(zh.error?.message).toContain("环境变量 MAX_UPLOAD_BYTES");
      // The sign-up rule follows the environment, not the stored "open".
      await createTestUser();
      expect((await rejectionOf(signUp({ email: uniqueEmail(), name: "Late", password: TEST_PASSWORD }))).code).toBe("FORBIDDEN");
    });
    // Unset again: the admin's stored value is back.
    expect((await getSettings()).maxUploadBytes).toBe(2 * 1024 ** 3);
  });
});

describe("applied without a restart", () => {
  test("closing sign-up refuses the next sign-up, and the sign-in page's config follows; reopening lets it in", async () => {
    const a = await reset(await admin());
    await createTestUser();
    expect(await callerFor(null).auth.config()).toEqual({ signup: "open" });
    await callerFor(a).admin.settings.update({ changes: { signupPolicy: "closed" } });
    expect(await callerFor(null).auth.config()).toEqual({ signup: "closed" });
    const refused = await rejectionOf(callerFor(null).auth.signUp({ email: uniqueEmail(), name: "Nope", password: TEST_PASSWORD }));
    expect(refused.code).toBe("FORBIDDEN");
    await callerFor(a).admin.settings.update({ changes: { signupPolicy: "open" } });
    await expect(callerFor(null).auth.signUp({ email: uniqueEmail(), name: "Yes", password: TEST_PASSWORD })).resolves.toMatchObject({ role: "USER" });
  });

  test("default quota, largest upload and trash retention apply to the next call", async () => {
    const a = await reset(await admin());
    const { actor: user } = await createTestUser();
    await callerFor(a).admin.settings.update({ changes: { defaultQuotaBytes: 3 * 1024 ** 2, maxUploadBytes: 2048, trashDays: 3 } });
    expect((await callerFor(user).auth.me()).quotaBytes).toBe(3 * 1024 ** 2);
    expect(await callerFor(user).drive.trashInfo()).toEqual({ trashDays: 3 });
    const tooLarge = await rejectionOf(
      createUploadSession({ actor: user, uploadId: randomBytes(16).toString("hex"), size: 4096, metadata: { filename: "big.bin", parentId: null } }),
    );
    expect(tooLarge.code).toBe("PAYLOAD_TOO_LARGE");
    expect(tooLarge.message).toContain("2.0 KiB");
    await callerFor(a).admin.settings.update({ changes: { defaultQuotaBytes: null, maxUploadBytes: 1024 ** 4 } });
    expect((await callerFor(user).auth.me()).quotaBytes).toBeNull();
  });
});
