import { expect, test } from "vitest";
import { inlineContentType, inlineCsp } from "@/server/http/safe-inline";

test("passive media is shown inline as itself", () => {
  expect(inlineContentType("image/png")).toBe("image/png");
  expect(inlineContentType("video/mp4")).toBe("video/mp4");
  expect(inlineContentType("application/pdf")).toBe("application/pdf");
});

test("text of any kind is shown as plain text, never interpreted", () => {
  expect(inlineContentType("text/markdown")).toBe("text/plain; charset=utf-8");
  expect(inlineContentType("application/json")).toBe("text/plain; charset=utf-8");
  expect(inlineContentType("text/javascript")).toBe("text/plain; charset=utf-8");
});

test("anything that can carry script is only ever downloaded", () => {
  for (const t of ["text/html", "image/svg+xml", "application/xhtml+xml", "application/xml", "text/xml", "application/octet-stream", null, "", "TEXT/HTML; charset=utf-8"]) {
    expect(inlineContentType(t), String(t)).toBeNull();
  }
});

test("only PDFs get scripts, in an opaque origin", () => {
  expect(inlineCsp("image/png")).toBe("sandbox");
  expect(inlineCsp("application/pdf")).toBe("sandbox allow-scripts");
  expect(inlineCsp("application/pdf")).not.toContain("allow-same-origin");
});
