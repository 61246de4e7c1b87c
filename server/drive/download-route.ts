import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateRequest } from "@/server/auth/request-auth";
import { getFileForDownload } from "@/server/drive/drive.service";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { AppError, notFound } from "@/server/errors/app-error";
import { nodeIdSchema } from "@/server/drive/drive.schemas";
import { contentDisposition } from "@/server/http/content-disposition";
import { sendBlob, type ByteMeter } from "@/server/storage/blob-response";
import { inlineCsp, previewContentType } from "@/server/http/safe-inline";
import { sendError } from "@/server/http/respond";
import { getEnv } from "@/server/env";
import { localBlobPath } from "@/server/storage/local-blob-store";
import { contentUrlFor, presignForWindow } from "@/server/drive/signed-content";

export const FILE_CONTENT = /^\/api\/files\/([0-9a-f-]{36})\/content$/;

/**
 * GET/HEAD /api/files/{id}/content, on Node's own request: authorize, then stream from the blob
 * store with 1 MiB reads. The ETag is the sha256, so If-None-Match and If-Range are exact.
 * `?redirect=1` (what the web app's links ask for) answers with a 302 to the file's signed URL
 * instead, so ranges, seeks and repeats go to the blob URL (and a cache in front of it).
 */
export async function serveFileContent(req: IncomingMessage, res: ServerResponse, nodeId: string) {
  try {
    const actor = await authenticateRequest(req.headers);
    if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    // `?version=<id>` downloads an older version of the file; anything but a uuid is not one.
    const versionId = query.get("version");
    if (versionId !== null && !nodeIdSchema.safeParse(versionId).success) throw notFound();
    const file = await getFileForDownload({ actor, nodeId, versionId });
    const inline = query.get("inline") === "1";
    if (query.get("redirect") === "1") return await redirectToSignedUrl(res, file, { inline });
    await sendFileBytes(req, res, file, { inline });
  } catch (e) {
    // A client that goes away mid-download is normal; anything else gets a proper answer.
    if ((e as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    sendError(req, res, e);
  }
}

/** 302 to the signed URL of an authorised file; the redirect itself is never cached (it names a person's access). */
export async function redirectToSignedUrl(res: ServerResponse, file: DownloadableFile, opts: { inline: boolean; isPublic?: boolean }) {
  const { url } = await contentUrlFor(file, opts);
  res.writeHead(302, { Location: url, "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" });
  res.end();
}

export type DownloadableFile = Awaited<ReturnType<typeof getFileForDownload>>;

/**
 * Answers with an authorised file's bytes: ranges, ETag, safe inline (passive types only, with
 * `Content-Security-Policy: sandbox` and nosniff), else an attachment. Share links pass
 * `isPublic`: never cached anywhere, and no presigned S3 URL (a second door that would stay open
 * after the link is revoked).
 */
export async function sendFileBytes(req: IncomingMessage, res: ServerResponse, file: DownloadableFile, opts: { inline: boolean; isPublic?: boolean; meter?: ByteMeter }) {
  // `?inline=1` asks to view in the browser (previews); only passive types are granted it.
  const inlineType = opts.inline ? previewContentType(file.name, file.mimeType) : null;
  const headers = {
    "Last-Modified": file.updatedAt.toUTCString(),
    "Cache-Control": opts.isPublic ? "private, no-store" : "private, no-cache",
    "Content-Type": inlineType ?? file.mimeType ?? "application/octet-stream",
    "Content-Disposition": contentDisposition(file.name, inlineType ? "inline" : "attachment"),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": inlineType ? inlineCsp(inlineType) : "sandbox",
  };
  await sendBlob(req, res, file, headers, async () => {
    const store = getBlobStore();
    const env = getEnv();
    if (env.s3.presignedDownloads && store.presignGet && req.method === "GET" && !inlineType && !opts.isPublic) {
      // The bytes go straight from S3 to the browser; the URL is the same all window long.
      const url = await presignForWindow(file, headers["Content-Type"]);
      res.writeHead(302, { Location: url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
      res.end();
      return true;
    }
    const accel = env.accelRedirectPrefix;
    if (accel && store.backend === "local") {
      // nginx sends the bytes with sendfile (ranges included); we only authorised and named them.
      // Our Content-Length/Range would be wrong for its answer, so only the descriptive headers go.
      res.writeHead(200, { ...headers, ETag: `"${file.sha256}"`, "Accept-Ranges": "bytes", "X-Accel-Redirect": accel + localBlobPath(file.storageKey) });
      res.end();
      return true;
    }
    return false;
  }, opts.meter);
}
