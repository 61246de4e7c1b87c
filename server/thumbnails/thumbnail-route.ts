import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateRequest } from "@/server/auth/request-auth";
import { AppError } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { getThumbnail } from "@/server/thumbnails/thumbnail.service";

export const FILE_THUMBNAIL = /^\/api\/files\/([0-9a-f-]{36})\/thumbnail$/;

/** GET/HEAD /api/files/{id}/thumbnail: the WebP grid picture, 404 until the job has made it. */
export async function serveThumbnail(req: IncomingMessage, res: ServerResponse, nodeId: string) {
  try {
    const actor = await authenticateRequest(req.headers);
    if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
    const thumb = await getThumbnail({ actor, nodeId });
    const headers = {
      "Content-Type": "image/webp",
      ETag: thumb.etag,
      // The URL carries the file's version, so a browser may keep it; revalidation is cheap.
      "Cache-Control": "private, max-age=86400",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox",
    };
    if (req.headers["if-none-match"]?.split(",").some((t) => t.trim() === thumb.etag)) {
      res.writeHead(304, headers);
      return void res.end();
    }
    res.writeHead(200, { ...headers, "Content-Length": thumb.data.length });
    res.end(req.method === "HEAD" ? undefined : thumb.data);
  } catch (e) {
    sendError(req, res, e);
  }
}
