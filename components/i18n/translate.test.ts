import { expect, test } from "vitest";
import { formatMessage, translateUi } from "@/components/i18n/translate";
import { uiMessages } from "@/components/i18n/ui-messages";

test("placeholders and plurals with nested placeholders", () => {
  expect(formatMessage("Hello {name}", { name: "Ann" })).toBe("Hello Ann");
  expect(translateUi("en", "actions.moved", { count: 1, name: "a.txt" })).toBe("Moved “a.txt”");
  expect(translateUi("en", "actions.moved", { count: 3, name: "a.txt" })).toBe("Moved 3 items");
  expect(translateUi("zh", "actions.trashed", { count: 2, name: "x" })).toBe("已将 2 项 移到回收站");
  expect(translateUi("en", "uploads.uploadingN", { count: 1, percent: 40 })).toBe("Uploading 1 file · 40%");
  expect(formatMessage("{missing} stays")).toBe("{missing} stays");
});

test("the Chinese table has every English key, with the same placeholders", () => {
  const walk = (en: Record<string, unknown>, zh: Record<string, unknown>, path: string) => {
    for (const key of Object.keys(en)) {
      const a = en[key];
      const b = zh[key];
      if (typeof a === "string") {
        expect(typeof b, `${path}${key}`).toBe("string");
        // Every placeholder the Chinese text uses is one the English text provides.
        const names = new Set(a.match(/\{\w+\}/g) ?? []);
        for (const p of (b as string).match(/\{\w+\}/g) ?? []) expect(names.has(p), `${path}${key}: ${p}`).toBe(true);
      } else walk(a as Record<string, unknown>, b as Record<string, unknown>, `${path}${key}.`);
    }
  };
  walk(uiMessages.en, uiMessages.zh, "");
});

test("plurals follow each language's rules, with exact =N forms first", () => {
  expect(translateUi("en", "sharing.public.downloadsLeft", { count: 1 })).toBe("1 download left");
  expect(translateUi("en", "sharing.public.downloadsLeft", { count: 2 })).toBe("2 downloads left");
  expect(translateUi("en", "sharing.public.downloadsLeft", { count: 0 })).toBe("No downloads left");
  expect(translateUi("zh", "sharing.public.downloadsLeft", { count: 1 })).toBe("还可下载 1 次");
  expect(translateUi("zh", "sharing.public.downloadsLeft", { count: 0 })).toBe("下载次数已用完");
  expect(translateUi("en", "sharing.downloads", { count: 1 })).toBe("1 download");
  expect(translateUi("en", "sharing.public.items", { count: 1 })).toBe("1 item");
  expect(formatMessage("{n, plural, one {# one} other {many}}", { n: 1 }, "zh")).toBe("many");
});
