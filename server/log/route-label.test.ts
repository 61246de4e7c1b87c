import { expect, test } from "vitest";
import { routeOf } from "@/server/log/route-label";

test("a label is its own label: masking a span that already carries one keeps it", () => {
  const paths = ["/api/upload/abc", "/api/files/x/content", "/api/files/x/thumbnail", "/api/s/tok/zip", "/dav/a", "/api/blob/ab", "/api/trpc/a.b", "/api/auth/session", "/_next/static/x.js", "/drive/x", "/s/tok", "/api/zip", "/api/nope", "/nope"];
  for (const path of paths) {
    const label = routeOf(path);
    expect(label === "other" ? label : routeOf(label), path).toBe(label);
  }
});
