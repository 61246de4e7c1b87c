import { expect, test } from "vitest";
import { contentDisposition } from "@/server/http/content-disposition";

test("a Chinese name survives through filename* and has an ASCII fallback", () => {
  const header = contentDisposition("报告 2026.txt");
  expect(header).toMatch(/^attachment; filename="__ 2026.txt"; filename\*=UTF-8''/);
  const encoded = header.split("filename*=UTF-8''")[1]!;
  expect(decodeURIComponent(encoded)).toBe("报告 2026.txt");
});

test("quotes and backslashes cannot break out of the quoted fallback", () => {
  const header = contentDisposition('a"b\\c.txt');
  expect(header).toContain('filename="a_b_c.txt"');
  expect(decodeURIComponent(header.split("''")[1]!)).toBe('a"b\\c.txt');
});

test("RFC 5987 reserved characters are percent-encoded", () => {
  expect(contentDisposition("it's (1).txt")).toContain("filename*=UTF-8''it%27s%20%281%29.txt");
});

test("inline disposition when asked", () => {
  expect(contentDisposition("a.png", "inline")).toMatch(/^inline; /);
});
