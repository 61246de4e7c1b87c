// The public byte paths of share links, on Node's own request like the owner's downloads:
//   GET/HEAD /api/s/{token}/files/{nodeId}/content[?inline=1]   one file of the link
//   GET/HEAD /api/s/{token}/zip[?ids=a,b]                        the shared folder or a selection
//   POST     /api/s/{token}/unlock                               the password gate
// and, in front of Next, the page /s/{token}: a strict CSP with a per-request nonce, and 410 with a
// page saying why for revoked, expired or used-up links.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, httpStatusOf } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { redirectToSignedUrl, sendFileBytes } from "@/server/drive/download-route";
import { previewContentType } from "@/server/http/safe-inline";
import { contentDisposition } from "@/server/http/content-disposition";
import { prepareZipOfNodes } from "@/server/drive/zip";
import { writeZip } from "@/server/drive/zip-writer";
import { getEnv } from "@/server/env";
import { localeFromHeaders, translate } from "@/server/i18n/messages";
import { logger } from "@/server/log/logger";
import {
  claimLinkDownload,
  fileForLink,
  findLinkOrThrow,
  goneError,
  goneReason,
  issueDownloadTicket,
  logShareAccess,
  openLink,
  readDownloadTicket,
  requireNodeInLink,
  returnTicketBytes,
  takeTicketBytes,
  ticketHasRoom,
  unlockLink,
} from "@/server/share/share-access.service";
import { canDownload, nodeIdsSchemaForLink, unlockSchema } from "@/server/share/share.schemas";
import type { Node } from "@/server/db/generated/client.ts";

const API = /^\/api\/s\/([A-Za-z0-9_-]{1,64})\/(files\/([0-9a-f-]{36})\/content|zip|unlock)$/;
const PAGE = /^\/s\/([A-Za-z0-9_-]{1,64})(?:\/.*)?$/;

const secureFlag = () => (getEnv().baseUrl.startsWith("https:") ? "; Secure" : "");

const clientIp = (req: IncomingMessage) => (req.headers["x-yunpan-client-ip"] as string | undefined) || null;

/** Dispatches the share paths; false for anything else. `next` hands a live page to Next. */
export function handleShareRoute(req: IncomingMessage, res: ServerResponse, pathname: string, next?: () => void): boolean {
  const api = API.exec(pathname);
  if (api) {
    const [, token, action, nodeId] = api as unknown as [string, string, string, string | undefined];
    if (action === "unlock") {
      if (req.method !== "POST") return false;
      void serveUnlock(req, res, token);
    } else if (req.method === "GET" || req.method === "HEAD") {
      void (nodeId ? serveLinkFile(req, res, token, nodeId) : serveLinkZip(req, res, token));
    } else {
      return false;
    }
    return true;
  }
  const page = PAGE.exec(pathname);
  if (page && next && (req.method === "GET" || req.method === "HEAD")) {
    void serveSharePage(req, res, page[1]!, next);
    return true;
  }
  return false;
}

/**
 * A refused download also says why in `X-Share-Status` (revoked, expired, exhausted), so the share
 * page can explain a refusal it learned from a HEAD, which has no body.
 */
function sendDownloadError(req: IncomingMessage, res: ServerResponse, e: unknown) {
  if (e instanceof AppError && e.code === "GONE" && !res.headersSent) res.setHeader("X-Share-Status", e.key.replace(/^share\./, ""));
  sendError(req, res, e);
}

/** Everything a share answer carries: nothing cached, no token leaked through Referer. */
const publicHeaders = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" };

async function serveLinkFile(req: IncomingMessage, res: ServerResponse, token: string, nodeId: string) {
  try {
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    const wantsInline = query.get("inline") === "1";
    const link = await findLinkOrThrow(token);
    // A visitor whose counted download of this file is unfinished may finish it even if that
    // download used up the link (share-access.service.ts, DownloadTicket); nobody else may.
    const ticket = wantsInline ? null : readDownloadTicket(link, nodeId, req.headers.cookie);
    const finishing = !!ticket && (await ticketHasRoom(ticket));
    await openLink({ token, cookieHeader: req.headers.cookie, need: "preview", allowExhausted: finishing });
    const { node } = await requireNodeInLink(link, nodeId);
    const file = await fileForLink(node);
    // Previews (`?inline=1`, what the share page asks for) never count: only passive types and
    // text are shown inline; anything else is a download, which a view link refuses.
    const inline = wantsInline && previewContentType(file.name, file.mimeType) !== null;
    if (!inline && !canDownload(link.permission)) throw new AppError("FORBIDDEN", "share.noDownload");
    for (const [k, v] of Object.entries(publicHeaders)) res.setHeader(k, v);
    // A link without a download limit hands out the blob's signed URL (`?redirect=1`, what the
    // page asks for): counted here, once per click. A limited link never does: a signed URL could
    // be fetched again and again, past the limit, until its window ends.
    if (query.get("redirect") === "1" && link.maxDownloads === null) {
      if (req.method === "GET" && !inline) {
        if (!(await claimLinkDownload(link.id))) throw goneError(goneReason(await findLinkOrThrow(token)) ?? "exhausted");
        await logShareAccess({ linkId: link.id, ip: clientIp(req), action: "download", bytes: file.size });
      } else if (req.method === "GET") {
        await logShareAccess({ linkId: link.id, ip: clientIp(req), action: "preview", bytes: file.size });
      }
      return await redirectToSignedUrl(res, file, { inline, isPublic: true });
    }
    if (inline) {
      if (req.method === "GET") await logShareAccess({ linkId: link.id, ip: clientIp(req), action: "preview", bytes: file.size });
      return await sendFileBytes(req, res, file, { inline: true, isPublic: true });
    }
    const meter = async (bytes: number) => {
      let current = ticket && (await takeTicketBytes(ticket, bytes)) ? ticket : null;
      if (!current) {
        // Not part of a download this visitor started: a new download, counted now.
        if (!(await claimLinkDownload(link.id))) throw goneError(goneReason(await findLinkOrThrow(token)) ?? "exhausted");
        const issued = issueDownloadTicket(link, nodeId, file.size);
        res.setHeader("Set-Cookie", `${issued.name}=${issued.value}; Path=/api/s/; Max-Age=${issued.maxAgeSeconds}; HttpOnly; SameSite=Lax${secureFlag()}`);
        await takeTicketBytes(issued.ticket, bytes);
        await logShareAccess({ linkId: link.id, ip: clientIp(req), action: "download", bytes: file.size });
        current = issued.ticket;
      }
      const taken = current;
      return (sent: number) => returnTicketBytes(taken, bytes - sent);
    };
    await sendFileBytes(req, res, file, { inline: false, isPublic: true, meter });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    sendDownloadError(req, res, e);
  }
}

async function serveLinkZip(req: IncomingMessage, res: ServerResponse, token: string) {
  try {
    const link = await openLink({ token, cookieHeader: req.headers.cookie, need: "download" });
    const raw = new URL(req.url ?? "/", "http://x").searchParams.get("ids");
    const ids = raw ? raw.split(",").map((s) => s.trim()).filter(Boolean) : [link.nodeId];
    const parsed = nodeIdsSchemaForLink.safeParse(ids);
    if (!parsed.success) throw new AppError("BAD_REQUEST", "input.invalid");
    const nodes: Node[] = [];
    for (const id of new Set(parsed.data)) nodes.push((await requireNodeInLink(link, id)).node);
    const zip = await prepareZipOfNodes(nodes);
    if (req.method === "GET" && !(await claimLinkDownload(link.id))) throw goneError(goneReason(await findLinkOrThrow(token)) ?? "exhausted");
    res.writeHead(200, {
      ...publicHeaders,
      "Content-Type": "application/zip",
      "Content-Length": zip.size,
      "Content-Disposition": contentDisposition(zip.filename),
      "X-Content-Type-Options": "nosniff",
    });
    if (req.method === "HEAD") return void res.end();
    await logShareAccess({ linkId: link.id, ip: clientIp(req), action: "zip", bytes: zip.size });
    await writeZip(res, zip.entries);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    if (res.headersSent) logger.error({ err: e }, "share zip failed mid-stream");
    sendDownloadError(req, res, e);
  }
}

async function readSmallBody(req: IncomingMessage, max = 8192): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new AppError("PAYLOAD_TOO_LARGE", "input.invalid");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function serveUnlock(req: IncomingMessage, res: ServerResponse, token: string) {
  try {
    let body: unknown;
    try {
      body = JSON.parse(await readSmallBody(req));
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError("BAD_REQUEST", "input.invalid");
    }
    const parsed = unlockSchema.safeParse(body);
    if (!parsed.success) throw new AppError("FORBIDDEN", "share.wrongPassword");
    const cookie = await unlockLink({ token, password: parsed.data.password, ip: clientIp(req) });
    res.writeHead(204, {
      ...publicHeaders,
      "Set-Cookie": `${cookie.name}=${cookie.value}; Path=/; Max-Age=${cookie.maxAgeSeconds}; HttpOnly; SameSite=Lax${secureFlag()}`,
    });
    res.end();
  } catch (e) {
    sendError(req, res, e);
  }
}

/**
 * The page's CSP: scripts only from us and with this request's nonce (Next reads it from the
 * request). Previews and downloads may come from CDN_BASE_URL (signed blob URLs).
 */
export function sharePageCsp(nonce: string, dev: boolean, cdnBaseUrl: string | null = null): string {
  const cdn = cdnBaseUrl ? ` ${new URL(cdnBaseUrl).origin}` : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${cdn}`,
    `media-src 'self' blob:${cdn}`,
    "font-src 'self'",
    `connect-src 'self'${cdn}`,
    `frame-src 'self'${cdn}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

async function serveSharePage(req: IncomingMessage, res: ServerResponse, token: string, next: () => void) {
  try {
    const link = await findLinkOrThrow(token).catch((e: unknown) => {
      if (e instanceof AppError && e.code === "NOT_FOUND") return null;
      throw e;
    });
    const gone = link ? goneReason(link) : null;
    if (link && gone) return sendGonePage(req, res, gone);
    const nonce = randomBytes(16).toString("base64");
    const csp = sharePageCsp(nonce, getEnv().nodeEnv === "development", getEnv().cdnBaseUrl);
    req.headers["content-security-policy"] = csp;
    res.setHeader("Content-Security-Policy", csp);
    for (const [k, v] of Object.entries(publicHeaders)) res.setHeader(k, v);
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  } catch (e) {
    sendError(req, res, e);
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** 410 with a small self-contained page saying why (no script at all; styles only inline). */
function sendGonePage(req: IncomingMessage, res: ServerResponse, reason: "revoked" | "expired" | "exhausted") {
  const locale = localeFromHeaders(req.headers["accept-language"], req.headers.cookie);
  const title = translate("share.gone.title", locale);
  const message = translate(`share.${reason}`, locale);
  const hint = translate("share.gone.hint", locale);
  const html = `<!doctype html><html lang="${locale === "zh" ? "zh-CN" : "en"}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · Yunpan</title><style>
:root{color-scheme:light dark;--bg:#f4f4f5;--card:#fff;--fg:#18181b;--muted:#71717a;--line:#e4e4e7;--accent:#0ea5e9}
@media (prefers-color-scheme:dark){:root{--bg:#09090b;--card:#18181b;--fg:#f4f4f5;--muted:#a1a1aa;--line:#27272a}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;padding:24px}
.card{max-width:420px;width:100%;background:var(--card);border:1px solid var(--line);border-radius:20px;padding:36px 32px;text-align:center;box-shadow:0 10px 40px rgba(0,0,0,.06)}
.icon{width:56px;height:56px;margin:0 auto 18px;border-radius:16px;display:grid;place-items:center;background:rgba(14,165,233,.12);color:var(--accent)}
h1{font-size:20px;margin:0 0 8px}p{margin:0;color:var(--muted)}.code{margin-top:22px;font-size:12px;color:var(--muted);letter-spacing:.08em}
.brand{margin-top:28px;font-weight:600;font-size:13px;color:var(--muted)}
</style></head><body><main class="card" data-reason="${reason}"><div class="icon" aria-hidden="true"><svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M9 17H7A5 5 0 0 1 7 7"/><path d="M15 7h2a5 5 0 0 1 4 8"/><line x1="8" x2="12" y1="12" y2="12"/><line x1="2" x2="22" y1="2" y2="22"/></svg></div><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p style="margin-top:6px">${escapeHtml(hint)}</p><div class="code">HTTP 410</div><div class="brand">Yunpan</div></main></body></html>`;
  res.writeHead(httpStatusOf.GONE, {
    ...publicHeaders,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : html);
}

