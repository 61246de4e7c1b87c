import { expect, test } from "vitest";
import { makeSnippet, stripMarkdown } from "@/server/search/snippet";

const none = { exact: [], prefixes: [] };

test("a snippet cut inside the text starts and ends between words, not inside one", () => {
  const text = `${"alpha bravo charlie delta echo foxtrot ".repeat(20)}the invoice arrived ${"golf hotel india juliet kilo lima ".repeat(20)}`;
  const s = makeSnippet(text, { exact: [], prefixes: ["invoice"] });
  expect(s.cutBefore).toBe(true);
  expect(s.cutAfter).toBe(true);
  const words = new Set(text.split(/\s+/));
  const shown = s.text.split(" ");
  expect(words.has(shown[0]!)).toBe(true);
  expect(words.has(shown.at(-1)!)).toBe(true);
  expect(s.marks.map(([a, b]) => s.text.slice(a, b))).toEqual(["invoice"]);
});

test("a snippet of Chinese text is cut anywhere (no spaces to find), and a word longer than the reach is cut", () => {
  const zh = makeSnippet(`${"前言".repeat(200)}合同条款${"后记".repeat(200)}`, { exact: ["合同"], prefixes: [] });
  expect(zh.text.length).toBeGreaterThan(100);
  expect(zh.marks.map(([a, b]) => zh.text.slice(a, b))).toEqual(["合同"]);
  const long = makeSnippet("x".repeat(1000), none);
  expect(long.text).toBe("x".repeat(160));
});

test("Markdown headings, list markers, bold and code marks are left out of snippets", () => {
  expect(stripMarkdown("# Title\n## Sub title\n- item\n* other\n> quoted\n**bold** and `code` and C# stays")).toBe("Title\nSub title\nitem\nother\nquoted\nbold and code and C# stays");
  const s = makeSnippet("# Quarterly report\n\nThe **budget** was approved.", { exact: [], prefixes: ["budget"] });
  expect(s.text).toBe("Quarterly report The budget was approved.");
  expect(s.marks.map(([a, b]) => s.text.slice(a, b))).toEqual(["budget"]);
});
