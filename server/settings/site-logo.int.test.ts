import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { callerFor, createTestUser } from "@/server/test/factories";
import { startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { mutateOverHttp } from "@/server/test/trpc-over-http";
import { useTestDatabase } from "@/server/test/test-db";
import { getBranding, reloadSettings } from "@/server/settings/settings.service";
import { LOGO_PATH, LOGO_ROW_KEY } from "@/server/settings/settings.schemas";

const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http.close());
beforeEach(async () => {
  await t.prisma.siteSetting.deleteMany();
  await reloadSettings();
});

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 4, background: { r: 40, g: 120, b: 220, alpha: 1 } } }).png().toBuffer();
const b64 = (b: Buffer | string) => Buffer.from(b).toString("base64");

describe("site logo", () => {
  test("an uploaded PNG is re-encoded, served at a stable URL as image/png with nosniff, and shown to every page", async () => {
    const { actor } = await createTestUser({ role: "ADMIN" });
    const big = await sharp({ create: { width: 1200, height: 600, channels: 3, background: "#e11d48" } }).jpeg().toBuffer();
    const { logoUrl } = await callerFor(actor).admin.settings.setLogo({ data: b64(big) });
    expect(logoUrl).toMatch(new RegExp(`^${LOGO_PATH}\\?v=\\w+$`));
    expect((await getBranding()).logoUrl).toBe(logoUrl);

    const res = await fetch(`${http.baseUrl}${logoUrl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(res.headers.get("cache-control")).toContain("immutable");
    const served = Buffer.from(await res.arrayBuffer());
    // Re-encoded: a PNG of at most 512 px a side, not the JPEG that was sent.
    expect(await sharp(served).metadata()).toMatchObject({ format: "png", width: 512, height: 256 });
    // The bare path answers too, revalidated.
    const bare = await fetch(`${http.baseUrl}${LOGO_PATH}`);
    expect(bare.headers.get("cache-control")).toBe("no-cache");

    // Audited by fingerprint, no image in the log.
    const audit = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: "settings.changed", targetId: "siteLogo" } });
    expect((audit.data as { changes: { key: string; old: unknown; new: string }[] }).changes[0]).toMatchObject({ key: "siteLogo", old: null, new: expect.stringMatching(/^sha256:/) });

    // Removed: back to the default mark, and the URL answers 404.
    await callerFor(actor).admin.settings.removeLogo();
    expect((await getBranding()).logoUrl).toBeNull();
    expect((await fetch(`${http.baseUrl}${logoUrl}`)).status).toBe(404);
  });

  test("a new logo gets a new URL", async () => {
    const { actor } = await createTestUser({ role: "ADMIN" });
    const first = await callerFor(actor).admin.settings.setLogo({ data: b64(await png(64, 64)) });
    // The version is the row's updatedAt in ms: the second write must fall in a later millisecond.
    const tick = Date.now();
    while (Date.now() <= tick) await Promise.resolve();
    const second = await callerFor(actor).admin.settings.setLogo({ data: b64(await png(32, 32)) });
    expect(second.logoUrl).not.toBe(first.logoUrl);
    const res = await fetch(`${http.baseUrl}${second.logoUrl}`);
    expect(await sharp(Buffer.from(await res.arrayBuffer())).metadata()).toMatchObject({ width: 32, height: 32 });
  });

  test("SVG, HTML named as an image, a broken image and a too-large file are refused in English and Chinese; nothing is stored", async () => {
    const { actor } = await createTestUser({ role: "ADMIN" });
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const en = await mutateOverHttp(actor, "en", "admin.settings.setLogo", { data: b64(svg) });
    expect(en.status).toBe(400);
    expect(en.error?.message).toBe("Choose a PNG, JPEG or WebP image for the logo.");
    const zh = await mutateOverHttp(actor, "zh", "admin.settings.setLogo", { data: b64("<html><script>alert(1)</script></html>") });
    expect(zh.error?.message).toBe("请选择 PNG、JPEG 或 WebP 格式的图片作为徽标。");
    // Starts like a PNG, is not one.
    const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("<script>alert(1)</script>")]);
    const broken = await mutateOverHttp(actor, "en", "admin.settings.setLogo", { data: b64(fake) });
    expect(broken.error?.message).toBe("This image could not be read. Choose another PNG, JPEG or WebP file.");
    const huge = Buffer.concat([await png(8, 8), Buffer.alloc(600 * 1024)]);
    const tooLarge = await mutateOverHttp(actor, "en", "admin.settings.setLogo", { data: b64(huge) });
    expect(tooLarge.error?.message).toBe("The logo can be at most 512 KiB. Choose a smaller image.");
    const tooLargeZh = await mutateOverHttp(actor, "zh", "admin.settings.setLogo", { data: b64(huge) });
    expect(tooLargeZh.error?.message).toBe("徽标最大为 512 KiB，请选择更小的图片。");
    expect(await t.prisma.siteSetting.count({ where: { key: LOGO_ROW_KEY } })).toBe(0);
    expect((await fetch(`${http.baseUrl}${LOGO_PATH}`)).status).toBe(404);
  });

  test("only an admin changes the logo", async () => {
    const { actor } = await createTestUser();
    await expect(callerFor(actor).admin.settings.setLogo({ data: b64(await png(16, 16)) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callerFor(actor).admin.settings.removeLogo()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
