import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateRequest } from "@/server/auth/request-auth";
import { AppError } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { verifyThumbnailUrl } from "@/server/security/signed-blob-url";
import { getThumbnail, getThumbnailBySha256 } from "@/server/thumbnails/thumbnail.service";

export const FILE_THUMBNAIL = /^\/api\/files\/([0-9a-f-]{36})\/thumbnail$/;

/** GET/HEAD /api/files/{id}/thumbnail: the WebP grid picture, 404 until the job has made it. */
export async function serveThumbnail(req: IncomingMessage, res: ServerResponse, nodeId: string) {
  try {
    const actor = await authenticateRequest(req.headers);
    if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
    const thumb = await getThumbnail({ actor, nodeId });
    // The URL carries the file's version, so a browser may keep it; revalidation is cheap.
    sendThumbnail(req, res, thumb, "private, max-age=86400");
  } catch (e) {
    sendError(req, res, e);
  }
}

/**
 * GET/HEAD /api/thumb/<sha256>.webp?e=…&s=…: a signed thumbnail URL (from a folder listing),
 * checked by its MAC with no access query. A thumbnail never changes for its blob, so the answer
 * is public and immutable until the URL expires: a CDN or nginx in front serves repeats.
 */
export async function serveSignedThumbnail(req: IncomingMessage, res: ServerResponse) {
  try {
    const now = Date.now();
    const verified = verifyThumbnailUrl(req.url ?? "/", now);
    if (!verified.ok) throw new AppError("FORBIDDEN", verified.reason === "expired" ? "blob.urlExpired" : "blob.urlInvalid");
    const thumb = await getThumbnailBySha256(verified.sha256);
    sendThumbnail(req, res, thumb, `public, max-age=${Math.max(0, verified.expires - Math.ceil(now / 1000))}, immutable`);
  } catch (e) {
    sendError(req, res, e);
  }
}

function sendThumbnail(req: IncomingMessage, res: ServerResponse, thumb: { data: Buffer; etag: string }, cacheControl: string) {
  const headers = {
    "Content-Type": "image/webp",
    ETag: thumb.etag,
    "Cache-Control": cacheControl,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
  };
  if (req.headers["if-none-match"]?.split(",").some((t) => t.trim() === thumb.etag)) {
    res.writeHead(304, headers);
    return void res.end();
  }
  res.writeHead(200, { ...headers, "Content-Length": thumb.data.length });
  res.end(req.method === "HEAD" ? undefined : thumb.data);
}
