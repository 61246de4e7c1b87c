import { expect, test } from "vitest";
import { formatBytes, localeFromHeaders, messages, translate } from "@/server/i18n/messages";

test("every message exists in English and Chinese with the same placeholders", () => {
  for (const [key, m] of Object.entries(messages)) {
    const en = (m.en.match(/\{\w+\}/g) ?? []).sort();
    const zh = (m.zh.match(/\{\w+\}/g) ?? []).sort();
    expect(zh, key).toEqual(en);
    expect(m.zh, key).toMatch(/[\u4e00-\u9fff]/);
  }
});

test("placeholders are filled", () => {
  expect(translate("upload.quota", "en", { needed: "2.0 MiB", remaining: "1.0 MiB" })).toBe(
    "Not enough space: this file needs 2.0 MiB, and 1.0 MiB of your quota is left.",
  );
  expect(translate("upload.quota", "zh", { needed: "2.0 MiB", remaining: "1.0 MiB" })).toContain("仅剩 1.0 MiB");
});

test("locale comes from the cookie, then Accept-Language", () => {
  expect(localeFromHeaders("zh-CN,zh;q=0.9", null)).toBe("zh");
  expect(localeFromHeaders("en-US", null)).toBe("en");
  expect(localeFromHeaders("zh-CN", "a=1; yp-locale=en")).toBe("en");
  expect(localeFromHeaders(undefined, undefined)).toBe("en");
});

test("formatBytes", () => {
  expect(formatBytes(0)).toBe("0 B");
  expect(formatBytes(1536)).toBe("1.5 KiB");
  expect(formatBytes(34 * 1024 * 1024)).toBe("34.0 MiB");
  expect(formatBytes(5 * 1024 ** 4)).toBe("5.0 TiB");
});
