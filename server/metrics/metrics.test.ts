import { expect, test } from "vitest";
import { routeOf } from "@/server/log/route-label";
import { maskConfigValue } from "@/server/admin/admin-overview.service";

test("route labels are bounded: ids and tokens become placeholders, unknown paths are 'other'", () => {
  expect(routeOf("/api/upload")).toBe("/api/upload");
  expect(routeOf("/api/upload/0123456789abcdef0123456789abcdef")).toBe("/api/upload/:id");
  expect(routeOf("/api/files/9b2c3c1e-1111-4222-8333-444455556666/content")).toBe("/api/files/:id/content");
  expect(routeOf(`/api/blob/${"a".repeat(64)}/report.pdf`)).toBe("/api/blob/:sha256");
  expect(routeOf("/api/trpc/drive.list,auth.me")).toBe("/api/trpc");
  expect(routeOf("/drive/9b2c3c1e-1111-4222-8333-444455556666")).toBe("/drive/:id");
  expect(routeOf("/s/AbCdEf-secret-token")).toBe("/s/:token");
  expect(routeOf("/admin/users")).toBe("/admin/users");
  expect(routeOf("/admin/anything")).toBe("other");
  expect(routeOf("/random/" + "x".repeat(50))).toBe("other");
  expect(routeOf("/api/whatever/123")).toBe("/api/other");
  // Long-lived and byte routes get their own labels, so latency rules can leave them out.
  expect(routeOf("/api/events")).toBe("/api/events");
  expect(routeOf("/api/files/9b2c3c1e-1111-4222-8333-444455556666/thumbnail")).toBe("/api/files/:id/thumbnail");
  expect(routeOf("/api/s/AbCdEf-secret-token/files/x/content")).toBe("/api/s/:token");
  expect(routeOf("/dav/My%20Drive/a.txt")).toBe("/dav");
  expect(routeOf("/api/admin/debug/profile")).toBe("/api/admin/debug/profile");
  expect(routeOf("/api/admin/debug/heap")).toBe("/api/admin/debug/heap");
});

test("configuration secrets are masked; URLs keep only their host", () => {
  expect(maskConfigValue("AUTH_SECRET", "abcdefghijklmnopqrstuvwxyz0123456789")).toBe("••••••••");
  expect(maskConfigValue("S3_SECRET_ACCESS_KEY", "k")).toBe("••••••••");
  expect(maskConfigValue("METRICS_TOKEN", "t")).toBe("••••••••");
  expect(maskConfigValue("DATABASE_URL", "postgres://yunpan:pw@db.internal:5432/yunpan")).toBe("postgres://•••@db.internal:5432/yunpan");
  expect(maskConfigValue("REDIS_URL", "redis://:pw@redis:6379")).toBe("redis://•••@redis:6379");
  expect(maskConfigValue("BASE_URL", "https://drive.example.com")).toBe("https://drive.example.com");
  expect(maskConfigValue("S3_BUCKET", "yunpan")).toBe("yunpan");
});
