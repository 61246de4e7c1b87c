import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { authenticateRequest } from "@/server/auth/request-auth";
import { getFileForDownload } from "@/server/drive/drive.service";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { AppError, notFound } from "@/server/errors/app-error";
import { nodeIdSchema } from "@/server/drive/drive.schemas";
import { contentDisposition } from "@/server/http/content-disposition";
import { parseRange } from "@/server/http/range";
import { inlineContentType, inlineCsp } from "@/server/http/safe-inline";
import { sendError } from "@/server/http/respond";
import { getEnv } from "@/server/env";
import { localBlobPath } from "@/server/storage/local-blob-store";

export const FILE_CONTENT = /^\/api\/files\/([0-9a-f-]{36})\/content$/;

/**
 * GET/HEAD /api/files/{id}/content, on Node's own request: authorize, then stream from the blob
 * store with 1 MiB reads. The ETag is the sha256, so If-None-Match and If-Range are exact.
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
    await sendFileBytes(req, res, file, { inline: query.get("inline") === "1" });
  } catch (e) {
    // A client that goes away mid-download is normal; anything else gets a proper answer.
    if ((e as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    sendError(req, res, e);
  }
}

export type DownloadableFile = Awaited<ReturnType<typeof getFileForDownload>>;

/**
 * Answers with an authorised file's bytes: ranges, ETag, safe inline (passive types only, with
 * `Content-Security-Policy: sandbox` and nosniff), else an attachment. Share links pass
 * `isPublic`: never cached anywhere, and no presigned S3 URL (a second door that would stay open
 * after the link is revoked).
 */
export async function sendFileBytes(req: IncomingMessage, res: ServerResponse, file: DownloadableFile, opts: { inline: boolean; isPublic?: boolean }) {
    const etag = `"${file.sha256}"`;
    // `?inline=1` asks to view in the browser (previews); only passive types are granted it.
    const inlineType = opts.inline ? inlineContentType(file.mimeType) : null;
    const headers: Record<string, string | number> = {
      ETag: etag,
      "Accept-Ranges": "bytes",
      "Last-Modified": file.updatedAt.toUTCString(),
      "Cache-Control": opts.isPublic ? "private, no-store" : "private, no-cache",
      "Content-Type": inlineType ?? file.mimeType ?? "application/octet-stream",
      "Content-Disposition": contentDisposition(file.name, inlineType ? "inline" : "attachment"),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": inlineType ? inlineCsp(inlineType) : "sandbox",
    };
    if (req.headers["if-none-match"]?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) {
      res.writeHead(304, { ETag: etag, "Cache-Control": headers["Cache-Control"]! });
      return void res.end();
    }
    const ifRange = req.headers["if-range"];
    const range = ifRange && ifRange !== etag ? ({ kind: "full" } as const) : parseRange(req.headers.range, file.size);
    if (range.kind === "unsatisfiable") {
      res.writeHead(416, { "Content-Range": `bytes */${file.size}`, "Accept-Ranges": "bytes" });
      return void res.end();
    }
    const store = getBlobStore();
    const env = getEnv();
    if (env.s3.presignedDownloads && store.presignGet && req.method === "GET" && !inlineType && !opts.isPublic) {
      // The bytes go straight from S3 to the browser; the link expires in five minutes.
      const url = await store.presignGet(file.storageKey, { filename: file.name, contentType: headers["Content-Type"] as string, expiresSeconds: 300 });
      res.writeHead(302, { Location: url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
      return void res.end();
    }
    const accel = env.accelRedirectPrefix;
    if (accel && store.backend === "local") {
      // nginx sends the bytes with sendfile (ranges included); we only authorised and named them.
      // Our Content-Length/Range would be wrong for its answer, so only the descriptive headers go.
      res.writeHead(200, { ...headers, "X-Accel-Redirect": accel + localBlobPath(file.storageKey) });
      return void res.end();
    }
    if (range.kind === "partial") {
      const { start, end } = range.range;
      res.writeHead(206, { ...headers, "Content-Range": `bytes ${start}-${end}/${file.size}`, "Content-Length": end - start + 1 });
      if (req.method === "HEAD") return void res.end();
      return await pipeline(await store.read(file.storageKey, range.range), res);
    }
    res.writeHead(200, { ...headers, "Content-Length": file.size });
    if (req.method === "HEAD" || file.size === 0) return void res.end();
    await pipeline(await store.read(file.storageKey), res);
}
