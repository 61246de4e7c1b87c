import { describe, expect, it } from "vitest";
import { isSafeZipPath, uniqueZipSegments, zipSegment } from "@/server/drive/zip-names";
import { zipLength } from "@/server/drive/zip-writer";

describe("zip entry names", () => {
  it("turn backslashes and colons (Windows separators, drive letters, NTFS streams) into underscores", () => {
    expect(zipSegment("..\\..\\evil.txt")).toBe(".._.._evil.txt");
    expect(zipSegment("C:\\Windows\\win.ini")).toBe("C__Windows_win.ini");
    expect(zipSegment("report.txt:hidden")).toBe("report.txt_hidden");
    expect(zipSegment("季度报告.xlsx")).toBe("季度报告.xlsx");
    expect(zipSegment("..")).toBe("_");
    expect(zipSegment("")).toBe("_");
  });

  it("keep siblings unique after sanitising and across case, unchanged names first", () => {
    expect(uniqueZipSegments(["a\\b.txt", "a_b.txt", "A_B.txt", "c"])).toEqual(["a_b (2).txt", "a_b.txt", "A_B (1).txt", "c"]);
    expect(uniqueZipSegments(["x:y", "x\\y", "README"])).toEqual(["x_y", "x_y (1)", "README"]);
  });

  it("accept only relative /-separated paths without \\, :, . or .. segments", () => {
    for (const bad of ["/etc/passwd", "a/../b", "..", "a\\b", "C:/x", "a//b", "./a", ""]) expect(isSafeZipPath(bad), bad).toBe(false);
    for (const good of ["a", "a/b.txt", "报告/季度.xlsx", "..._/x", "a.. b"]) expect(isSafeZipPath(good), good).toBe(true);
  });

  it("are enforced by the writer itself", () => {
    expect(() => zipLength([{ path: "x/..\\..\\evil.txt", kind: "file", size: 0, modifiedAt: new Date() }])).toThrow(/unsafe zip entry name/);
  });
});
