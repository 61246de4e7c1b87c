import { describe, expect, test } from "vitest";
import { parseRange } from "@/server/http/range";

describe("parseRange", () => {
  const size = 1000;
  test.each([
    ["bytes=0-99", { start: 0, end: 99 }],
    ["bytes=100-", { start: 100, end: 999 }],
    ["bytes=-10", { start: 990, end: 999 }],
    ["bytes=-5000", { start: 0, end: 999 }],
    ["bytes=990-5000", { start: 990, end: 999 }],
    ["bytes=999-999", { start: 999, end: 999 }],
  ])("%s is partial", (header, range) => {
    expect(parseRange(header, size)).toEqual({ kind: "partial", range });
  });

  test.each(["bytes=1000-", "bytes=5000-6000", "bytes=-0"])("%s is unsatisfiable", (header) => {
    expect(parseRange(header, size)).toEqual({ kind: "unsatisfiable" });
  });

  test.each([undefined, "", "bytes=", "bytes=0-1,5-6", "items=0-5", "bytes=9-3", "garbage"])("%s serves the whole file", (header) => {
    expect(parseRange(header, size)).toEqual({ kind: "full" });
  });

  test("an empty file has no satisfiable range", () => {
    expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
  });
});
