import type { IncomingMessage, ServerResponse } from "node:http";
import type { Actor } from "@/server/auth/actor";
import { getFileForDownload } from "@/server/drive/drive.service";
import { AppError, notFound } from "@/server/errors/app-error";
import { contentDisposition } from "@/server/http/content-disposition";
import { sendError } from "@/server/http/respond";
import { inlineCsp, previewContentType } from "@/server/http/safe-inline";
import { getEnv } from "@/server/env";
import { signBlobPath, signingWindow, verifyBlobUrl, type SignedBlob } from "@/server/security/signed-blob-url";
import { sendBlob, type ResponseHeaders } from "@/server/storage/blob-response";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { BlobNotFoundError } from "@/server/storage/blob-store";
import { localBlobPath } from "@/server/storage/local-blob-store";

type File = Awaited<ReturnType<typeof getFileForDownload>>;

/**
 * The URL a client fetches an authorised file's bytes from, stable for the current window: a
 * presigned S3 URL (S3_PRESIGNED_DOWNLOADS, attachments of the owner's side only: S3 cannot send
 * our CSP), else our signed /api/blob/ URL, behind CDN_BASE_URL when one is set. `inline` asks
 * for a preview, granted to passive types only (anything else is an attachment).
 */
export async function contentUrlFor(file: File, opts: { inline: boolean; isPublic?: boolean }, nowMs = Date.now()): Promise<{ url: string; expires: number }> {
  const inlineType = opts.inline ? previewContentType(file.name, file.mimeType) : null;
  const contentType = inlineType ?? file.mimeType ?? "application/octet-stream";
  const store = getBlobStore();
  const env = getEnv();
  if (env.s3.presignedDownloads && store.presignGet && !inlineType && !opts.isPublic) {
    return { url: await presignForWindow(file, contentType, nowMs), expires: signingWindow(nowMs).expires };
  }
  const { path, expires } = signBlobPath({ sha256: file.sha256, storageKey: file.storageKey, size: file.size, name: file.name, disposition: inlineType ? "inline" : "attachment", contentType }, nowMs);
  return { url: (env.cdnBaseUrl ?? "") + path, expires };
}

/** A presigned S3 GET signed as of the window's start: the same URL all window long. */
export function presignForWindow(file: { storageKey: string; name: string }, contentType: string, nowMs = Date.now()): Promise<string> {
  const { start, expires } = signingWindow(nowMs);
  return getBlobStore().presignGet!(file.storageKey, { filename: file.name, contentType, expiresSeconds: expires - start, signingDate: new Date(start * 1000) });
}

/** `drive.contentUrl`: one access check, then the file's signed URL (API clients, previews). */
export async function getContentUrl(input: { actor: Actor; nodeId: string; versionId?: string | null; inline?: boolean }) {
  const file = await getFileForDownload(input);
  const { url, expires } = await contentUrlFor(file, { inline: input.inline ?? false });
  return { url, expiresAt: new Date(expires * 1000) };
}

/**
 * The header values of a signed URL's answer that its fields decide, made once per verified URL
 * (the verified-URL memo hands back the same frozen object for every range of one URL).
 */
const fixedHeaders = new WeakMap<SignedBlob, { contentType: string; disposition: string; csp: string }>();

function fixedHeadersOf(blob: SignedBlob) {
  let fixed = fixedHeaders.get(blob);
  if (!fixed) {
    fixed = {
      contentType: blob.contentType,
      disposition: contentDisposition(blob.name, blob.disposition),
      // Uploaded content never runs as script in our origin: an inline answer is a passive type
      // (the signer granted it) under a sandbox CSP, anything else an attachment.
      csp: blob.disposition === "inline" ? inlineCsp(blob.contentType) : "sandbox",
    };
    fixedHeaders.set(blob, fixed);
  }
  return fixed;
}

/**
 * GET/HEAD /api/blob/…: a signed URL of a blob, checked with no database query (the MAC covers
 * every field served). The bytes never change, so the answer is public and cacheable until the
 * URL expires; ranges, If-Range, If-None-Match and HEAD as on every download path (sendBlob).
 */
export async function serveSignedBlob(req: IncomingMessage, res: ServerResponse) {
  try {
    const now = Date.now();
    const verified = verifyBlobUrl(req.url ?? "/", now);
    if (!verified.ok) throw new AppError("FORBIDDEN", verified.reason === "expired" ? "blob.urlExpired" : "blob.urlInvalid");
    const { blob } = verified;
    const fixed = fixedHeadersOf(blob);
    // One literal shape (no spread of the remembered object): see headerList in blob-response.ts.
    const headers: ResponseHeaders = {
      "Cache-Control": `public, max-age=${Math.max(0, blob.expires - Math.ceil(now / 1000))}, immutable`,
      "Content-Type": fixed.contentType,
      "Content-Disposition": fixed.disposition,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": fixed.csp,
      "Referrer-Policy": "no-referrer",
      // The URL is the capability; a CDN on another origin serves previews fetched by the app.
      "Access-Control-Allow-Origin": "*",
    };
    const accel = getEnv().accelRedirectPrefix;
    // Behind nginx (X-Accel-Redirect) nginx sends a local blob's bytes; otherwise no detour is
    // offered, which spares every range a call and an await (issue 15's per-request CPU).
    const divert =
      accel && getBlobStore().backend === "local"
        ? async () => {
            res.writeHead(200, { ...headers, ETag: `"${blob.sha256}"`, "Accept-Ranges": "bytes", "X-Accel-Redirect": accel + localBlobPath(blob.storageKey) });
            res.end();
            return true;
          }
        : undefined;
    await sendBlob(req, res, blob, headers, divert);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    // A URL may outlive its bytes (the file was purged and blob GC ran within the window).
    sendError(req, res, e instanceof BlobNotFoundError ? notFound() : e);
  }
}
