import { expect, test } from "vitest";
import { nodeNameSchema } from "@/server/drive/drive.schemas";
import { translateIssue } from "@/server/i18n/issue";

function problem(name: string, locale: "en" | "zh" = "en") {
  const r = nodeNameSchema.safeParse(name);
  return r.success ? null : translateIssue(r.error.issues[0]!.message, locale);
}

test("valid names pass, NFC-normalised", () => {
  expect(nodeNameSchema.parse("Report 2026.pdf")).toBe("Report 2026.pdf");
  expect(nodeNameSchema.parse("季度报告.docx")).toBe("季度报告.docx");
  expect(nodeNameSchema.parse("e\u0301")).toBe("\u00e9");
  expect(nodeNameSchema.parse(".hidden")).toBe(".hidden");
});

test("every rule has a message a person understands, in English and Chinese", () => {
  expect(problem("")).toBe("Enter a name.");
  expect(problem("a/b")).toBe("A name cannot contain “/”.");
  expect(problem("a\u0000b")).toBe("A name cannot contain control characters.");
  expect(problem("..")).toBe("“.” and “..” are not allowed as names.");
  expect(problem(" padded")).toBe("A name cannot start or end with a space.");
  expect(problem("x".repeat(256))).toBe("The name is too long: at most 255 bytes.");
  expect(problem("文".repeat(86))).toBe("The name is too long: at most 255 bytes."); // 258 bytes
  expect(problem("a/b", "zh")).toBe("名称不能包含“/”。");
  expect(problem("文".repeat(85))).toBeNull(); // 255 bytes
});
