import type { IncomingMessage, ServerResponse } from "node:http";
import { getTus, UPLOAD_PATH } from "@/server/upload/tus-server";
import { answerTusPreflight } from "@/server/upload/tus-preflight";
import { FILE_CONTENT, serveFileContent } from "@/server/drive/download-route";
import { dependencyChecks, serveHealth } from "@/server/runtime/health";
import { serveSignedBlob } from "@/server/drive/signed-content";
import { SIGNED_BLOB_PREFIX, SIGNED_THUMBNAIL_PREFIX } from "@/server/security/signed-blob-url";
import { serveZip, ZIP_PATH } from "@/server/drive/zip-download-route";
import { FILE_THUMBNAIL, serveSignedThumbnail, serveThumbnail } from "@/server/thumbnails/thumbnail-route";
import { handleShareRoute } from "@/server/share/share-http";
import { DAV_PREFIX, serveDav } from "@/server/dav/dav-handler";
import { AUDIT_CSV_PATH, serveAuditCsv } from "@/server/admin/audit-csv-route";
import { HEAP_PATH, PROFILE_PATH, serveCpuProfile, serveHeapSnapshot } from "@/server/admin/debug-routes";
import { METRICS_PATH, serveMetrics } from "@/server/metrics/metrics-route";
import { SCIM_PREFIX, serveScim } from "@/server/scim/scim-route";
import { serveSiteLogo } from "@/server/settings/site-logo-route";
import { LOGO_PATH } from "@/server/settings/settings.schemas";
import { requestUserDeletion } from "@/server/admin/admin-users.service";
import { registerDependencyProbe } from "@/server/metrics/metrics";
import { routeOf } from "@/server/log/route-label";
import { currentRequest } from "@/server/log/request-context";
import { isTracingOn, traceHttpRequest } from "@/server/tracing/spans";
import { serveTrpc, TRPC_PATH } from "@/server/runtime/trpc-node";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { isForeignOrigin, isSafeMethod } from "@/server/security/same-origin";
import { EVENTS_PATH, serveEvents } from "@/server/changes/sse-route";
import { registerDropTarget } from "@/server/upload/drop-target";
import { shareDropTarget } from "@/server/share/share-upload.service";

// tus serves share-link drops with share/'s rules; upload/ cannot import share/ (share sits above it).
registerDropTarget(shareDropTarget);
// metrics/ sits below the database's and the storage's owners; the root hands it their checks.
for (const [name, check] of Object.entries(dependencyChecks)) registerDependencyProbe(name, check);

/**
 * The routes served on Node's own request, outside Next: uploads and downloads stream here at
 * bare-Node speed (route handlers measured 0.76x), and health must answer even if Next is stuck.
 * Returns false for everything else, which goes to Next.
 */
export function handleByteRoute(req: IncomingMessage, res: ServerResponse, next?: () => void): boolean {
  const pathname = (req.url ?? "/").split("?", 1)[0]!;
  if (!isTracingOn()) return routeRequest(req, res, pathname, next);
  // One span per request, named by the request log's route label (no path, query or header in it).
  const route = routeOf(pathname);
  if (UNTRACED_ROUTES.has(route)) return routeRequest(req, res, pathname, next);
  const rememberSpan = (ids: { traceId: string; spanId: string }) => {
    const ctx = currentRequest();
    if (ctx) ctx.trace = { traceId: ids.traceId, spanId: ids.spanId };
  };
  return traceHttpRequest(req, res, route, rememberSpan, () => routeRequest(req, res, pathname, next));
}

// Static assets and probes, as in the request log: many, and nothing to follow.
const UNTRACED_ROUTES = new Set(["/_next", "/api/health", "/api/metrics"]);

function routeRequest(req: IncomingMessage, res: ServerResponse, pathname: string, next?: () => void): boolean {
  if (refuseForeignWrite(req, res, pathname)) return true;
  if (pathname === TRPC_PATH || pathname.startsWith(TRPC_PATH + "/")) {
    void serveTrpc(req, res);
    return true;
  }
  if (pathname === UPLOAD_PATH || pathname.startsWith(UPLOAD_PATH + "/")) {
    if (answerTusPreflight(req, res)) return true;
    // A client that vanishes mid-PATCH must end the write: without an error on the request body,
    // tus's pipeline would wait forever, holding the upload file and the socket open.
    req.once("close", () => {
      if (!req.complete && !res.writableFinished) req.destroy(new Error("client went away mid-request"));
    });
    void getTus().server.handle(req, res);
    return true;
  }
  if (pathname.startsWith(SIGNED_BLOB_PREFIX) && (req.method === "GET" || req.method === "HEAD")) {
    void serveSignedBlob(req, res);
    return true;
  }
  if (pathname.startsWith(SIGNED_THUMBNAIL_PREFIX) && (req.method === "GET" || req.method === "HEAD")) {
    void serveSignedThumbnail(req, res);
    return true;
  }
  const file = FILE_CONTENT.exec(pathname);
  if (file && (req.method === "GET" || req.method === "HEAD")) {
    void serveFileContent(req, res, file[1]!);
    return true;
  }
  const thumb = FILE_THUMBNAIL.exec(pathname);
  if (thumb && (req.method === "GET" || req.method === "HEAD")) {
    void serveThumbnail(req, res, thumb[1]!);
    return true;
  }
  if (pathname === ZIP_PATH && (req.method === "GET" || req.method === "HEAD")) {
    void serveZip(req, res);
    return true;
  }
  // Share links: public downloads, zip and the password gate; `next` lets a live /s/ page through.
  if (handleShareRoute(req, res, pathname, next)) return true;
  if (pathname === DAV_PREFIX || pathname.startsWith(DAV_PREFIX + "/")) {
    void serveDav(req, res);
    return true;
  }
  if (pathname === METRICS_PATH && req.method === "GET") {
    void serveMetrics(req, res);
    return true;
  }
  if (pathname === AUDIT_CSV_PATH && (req.method === "GET" || req.method === "HEAD")) {
    void serveAuditCsv(req, res);
    return true;
  }
  if (pathname === PROFILE_PATH && req.method === "GET") {
    void serveCpuProfile(req, res);
    return true;
  }
  if (pathname === HEAP_PATH && req.method === "GET") {
    void serveHeapSnapshot(req, res);
    return true;
  }
  if (pathname === EVENTS_PATH && req.method === "GET") {
    void serveEvents(req, res);
    return true;
  }
  if (pathname === SCIM_PREFIX || pathname.startsWith(SCIM_PREFIX + "/")) {
    void serveScim(req, res, pathname, { requestUserDeletion });
    return true;
  }
  if (pathname === LOGO_PATH && (req.method === "GET" || req.method === "HEAD")) {
    void serveSiteLogo(req, res);
    return true;
  }
  if (pathname === "/api/health") {
    void serveHealth(res);
    return true;
  }
  return false;
}

/**
 * A write to the byte paths (tus, share unlock and drops, WebDAV) sent by a page of another
 * website is refused before it does anything: SameSite cookies alone would let a same-site
 * sibling (another app on a subdomain) through. next-auth checks its own CSRF token, and
 * /api/trpc checks the same rule in its handler.
 */
function refuseForeignWrite(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (isSafeMethod(req.method)) return false;
  const guarded = (pathname.startsWith("/api/") && !pathname.startsWith("/api/auth/") && !pathname.startsWith(TRPC_PATH)) || pathname === DAV_PREFIX || pathname.startsWith(DAV_PREFIX + "/");
  if (!guarded || !isForeignOrigin(req.headers.origin, req.headers.host, getEnv().baseUrl)) return false;
  res.setHeader("Connection", "close");
  sendError(req, res, new AppError("FORBIDDEN", "request.foreignOrigin"));
  return true;
}
