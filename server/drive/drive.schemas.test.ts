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

test("text-direction characters that could disguise an extension are refused, each of them", () => {
  for (const c of ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C"]) {
    expect(problem(`invoice${c}fdp.exe`), c.codePointAt(0)!.toString(16)).toBe("A name cannot contain invisible text-direction characters: they can disguise a file's real type.");
  }
  expect(problem("invoice\u202Efdp.exe", "zh")).toBe("名称不能包含不可见的文字方向控制字符：它们可能伪装文件的真实类型。");
  // Right-to-left scripts themselves are names like any other.
  expect(problem("تقرير.pdf")).toBeNull();
  expect(problem("דוח.pdf")).toBeNull();
});
