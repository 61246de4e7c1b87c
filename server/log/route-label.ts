// The one masking rule for request paths, shared by the request log, the metrics' route label and
// every span: a path becomes a bounded label; its query never appears.

/**
 * A bounded route label for a path: ids and tokens become placeholders, anything unknown is
 * "other", so a client cannot grow the series, and no share token or query lands in a log line, a
 * label or a span. A label is its own label (spans are labelled once more on their way out).
 */
export function routeOf(pathname: string): string {
  if (pathname === "/api/upload" || pathname === "/api/upload/") return "/api/upload";
  if (pathname.startsWith("/api/upload/")) return "/api/upload/:id";
  if (/^\/api\/files\/[^/]+\/content$/.test(pathname)) return "/api/files/:id/content";
  if (/^\/api\/files\/[^/]+\/thumbnail$/.test(pathname)) return "/api/files/:id/thumbnail";
  if (pathname.startsWith("/api/s/")) return "/api/s/:token";
  if (pathname === "/dav" || pathname.startsWith("/dav/")) return "/dav";
  if (pathname.startsWith("/api/blob/")) return "/api/blob/:sha256";
  if (pathname.startsWith("/api/thumb/")) return "/api/thumb/:sha256";
  if (pathname === "/api/trpc" || pathname.startsWith("/api/trpc/")) return "/api/trpc";
  if (pathname === "/api/auth" || pathname.startsWith("/api/auth/")) return "/api/auth";
  if (pathname === "/_next" || pathname.startsWith("/_next/")) return "/_next";
  const fixed = [
    "/api/zip", "/api/health", "/api/metrics", "/api/events", "/api/admin/audit.csv", "/api/admin/debug/profile", "/api/admin/debug/heap", "/", "/drive", "/recent", "/starred", "/trash", "/search", "/settings",
    "/sign-in", "/sign-up", "/admin", "/admin/users", "/admin/shares", "/admin/uploads", "/admin/audit", "/admin/system", "/admin/webhooks",
  ];
  if (fixed.includes(pathname)) return pathname;
  if (/^\/drive\/[^/]+$/.test(pathname)) return "/drive/:id";
  if (/^\/s\/[^/]+/.test(pathname)) return "/s/:token";
  if (pathname.startsWith("/api/")) return "/api/other";
  return "other";
}
