import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateRequest } from "@/server/auth/request-auth";
import { nodeIdsSchema } from "@/server/drive/drive.schemas";
import { prepareZip } from "@/server/drive/zip";
import { writeZip } from "@/server/drive/zip-writer";
import { AppError } from "@/server/errors/app-error";
import { contentDisposition } from "@/server/http/content-disposition";
import { sendError } from "@/server/http/respond";
import { logger } from "@/server/log/logger";

export const ZIP_PATH = "/api/zip";

/**
 * GET/HEAD /api/zip?ids=<id>,<id>: a folder or a selection of siblings as one ZIP, streamed as it
 * is read from the blob store. Every id is authorised before the first byte; the length is exact,
 * so the browser shows real progress.
 */
export async function serveZip(req: IncomingMessage, res: ServerResponse) {
  try {
    const actor = await authenticateRequest(req.headers);
    if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
    const ids = new URL(req.url ?? "/", "http://localhost").searchParams.get("ids")?.split(",").map((s) => s.trim()) ?? [];
    const parsed = nodeIdsSchema.safeParse(ids.filter(Boolean));
    if (!parsed.success) throw new AppError("BAD_REQUEST", "input.invalid");
    const zip = await prepareZip({ actor, nodeIds: parsed.data });
    res.writeHead(200, {
      "Content-Type": "application/zip",
      "Content-Length": zip.size,
      "Content-Disposition": contentDisposition(zip.filename),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    });
    if (req.method === "HEAD") return void res.end();
    await writeZip(res, zip.entries);
  } catch (e) {
    // A client that goes away mid-download is normal; a failure after the headers cuts the answer short.
    if ((e as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    if (res.headersSent) logger.error({ err: e, url: req.url }, "zip download failed mid-stream");
    sendError(req, res, e);
  }
}
