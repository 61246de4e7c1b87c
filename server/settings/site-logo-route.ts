import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { readSiteLogo } from "@/server/settings/site-logo.service";

/**
 * GET /api/site/logo: the site logo, public (the sign-in page shows it). Always a re-encoded PNG,
 * with nosniff and a sandboxing CSP, so no browser treats it as anything but an image. The URL
 * the pages use carries ?v=<version>: that one is cached for good, the bare path is revalidated.
 */
export async function serveSiteLogo(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const logo = await readSiteLogo();
    if (!logo) throw new AppError("NOT_FOUND", "logo.none");
    const asked = new URL(req.url ?? "/", "http://x").searchParams.get("v");
    const etag = `"${logo.version}"`;
    res.setHeader("Content-Type", "image/png");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    res.setHeader("Content-Disposition", 'inline; filename="logo.png"');
    res.setHeader("Cache-Control", asked === logo.version ? "public, max-age=31536000, immutable" : "no-cache");
    res.setHeader("ETag", etag);
    if (req.headers["if-none-match"] === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader("Content-Length", logo.png.length);
    res.statusCode = 200;
    res.end(req.method === "HEAD" ? undefined : logo.png);
  } catch (e) {
    sendError(req, res, e);
  }
}
