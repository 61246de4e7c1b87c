import { describe, expect, test } from "vitest";
import { createTestUser } from "@/server/test/factories";
import { createTestToken } from "@/server/test/http-harness";
import { mutateOverHttp } from "@/server/test/trpc-over-http";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { countAttempt, pointsOf, resetLimit } from "@/server/security/rate-limit";
import { createContext } from "@/server/trpc/init";
import { listSettings, reloadSettings, updateSettings } from "@/server/settings/settings.service";

const t = useTestDatabase();

async function freshAdmin() {
  await t.prisma.siteSetting.deleteMany();
  await reloadSettings();
  return (await createTestUser({ role: "ADMIN" })).actor;
}

describe("rate limits in Admin → Settings", () => {
  test("a changed limit holds at once for requests already counted, lowered and raised again, without a restart", async () => {
    const admin = await freshAdmin();
    const { actor } = await createTestUser();
    const token = await createTestToken(actor, "script");
    const auth = { authorization: token.headers.Authorization! };
    for (let i = 0; i < 100; i++) await countAttempt("apiTokenUse", token.apiToken.id);
    // 100 requests are well under the default 6000 a minute.
    await expect(createContext(auth)).resolves.toMatchObject({ actor: { userId: actor.userId } });

    await updateSettings({ actor: admin, changes: { rateApiRequestsPerMinute: 60 } });
    expect(await pointsOf("apiTokenUse")).toBe(60);
    await expect(createContext(auth)).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });

    await updateSettings({ actor: admin, changes: { rateApiRequestsPerMinute: 1000 } });
    await expect(createContext(auth)).resolves.toMatchObject({ actor: { userId: actor.userId } });
    await resetLimit("apiTokenUse", token.apiToken.id);
  });

  test("the share-link password limit follows its setting", async () => {
    const admin = await freshAdmin();
    await updateSettings({ actor: admin, changes: { rateSharePasswordAttempts: 3 } });
    const key = "link-1:203.0.113.9";
    for (let i = 0; i < 3; i++) await countAttempt("shareUnlockPair", key);
    await expect(countAttempt("shareUnlockPair", key)).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await updateSettings({ actor: admin, changes: { rateSharePasswordAttempts: 10 } });
    await expect(countAttempt("shareUnlockPair", key)).resolves.toBeUndefined();
    await resetLimit("shareUnlockPair", key);
  });

  test("sign-in limits: per account and address, and per address", async () => {
    const admin = await freshAdmin();
    await updateSettings({ actor: admin, changes: { rateSignInAttempts: 25, rateSignInIpAttempts: 500 } });
    expect(await pointsOf("signInPair")).toBe(25);
    expect(await pointsOf("signInAccount")).toBe(25);
    expect(await pointsOf("signInIp")).toBe(500);
    // Limits no setting covers keep the table's number.
    expect(await pointsOf("totpCode")).toBe(5);
  });

  test("a value out of range is refused with a field error in English and Chinese; nothing changes", async () => {
    const admin = await freshAdmin();
    const en = await mutateOverHttp(admin, "en", "admin.settings.update", { changes: { rateSignInAttempts: 2, rateApiRequestsPerMinute: 10.5 } });
    expect(en.status).toBe(400);
    expect(en.error?.data.fieldErrors).toEqual({
      rateSignInAttempts: "Enter a whole number from 3 to 1000.",
      rateApiRequestsPerMinute: "Enter a whole number from 60 to 1000000.",
    });
    const zh = await mutateOverHttp(admin, "zh", "admin.settings.update", { changes: { rateSharePasswordAttempts: 0 } });
    expect(zh.error?.data.fieldErrors).toEqual({ rateSharePasswordAttempts: "请输入 3 到 1000 之间的整数。" });
    expect(await t.prisma.siteSetting.count()).toBe(0);
    expect(await pointsOf("signInPair")).toBe(10);
  });

  test("an environment variable wins: the limit is fixed, listed as such, and cannot be changed here", async () => {
    const admin = await freshAdmin();
    await withTestEnv({ RATE_API_REQUESTS_PER_MINUTE: "120" }, async () => {
      expect(await pointsOf("apiTokenUse")).toBe(120);
      const listed = (await listSettings({ actor: admin })).find((s) => s.key === "rateApiRequestsPerMinute");
      expect(listed).toMatchObject({ value: 120, fixedByEnv: true, env: "RATE_API_REQUESTS_PER_MINUTE" });
      await expect(updateSettings({ actor: admin, changes: { rateApiRequestsPerMinute: 600 } })).rejects.toMatchObject({ key: "settings.fixedByEnv" });
    });
    expect(await pointsOf("apiTokenUse")).toBe(6000);
  });
});
