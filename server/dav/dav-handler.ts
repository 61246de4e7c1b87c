import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { ZodError } from "zod";
import { httpStatusOf, toAppError } from "@/server/errors/app-error";
import { localeFromHeaders } from "@/server/i18n/messages";
import { translateIssue } from "@/server/i18n/issue";
import { logger } from "@/server/log/logger";
import { nodeNameSchema } from "@/server/drive/drive.schemas";
import { createFolder, getFileForDownload } from "@/server/drive/drive.service";
import { copyNodes, moveNodes, renameNode, trashNodes } from "@/server/drive/tree.service";
import { sendBlob } from "@/server/storage/blob-response";
import { getPrisma } from "@/server/db/client";
import { authenticateDav } from "@/server/dav/dav-auth";
import { DavPathError, davSegments, destinationSegments, href, lockPath } from "@/server/dav/dav-paths";
import {
  DAV_NS,
  XML_HEAD,
  XmlBodyError,
  elementChildren,
  escapeXml,
  innerXml,
  isDav,
  parseXml,
  propKey,
  propNameOf,
  propXml,
  statusLine,
  type PropName,
} from "@/server/dav/dav-xml";
import { IfHeaderError, evaluateIf, parseIfHeader, submittedTokens, type IfList } from "@/server/dav/dav-if";
import {
  MAX_LOCK_SECONDS,
  activeLocks,
  copyDeadProps,
  createDavLock,
  davEntryOf,
  deleteDavLock,
  deleteDavLocksUnder,
  listDavChildren,
  patchDeadProps,
  putDavFile,
  refreshDavLock,
  resolveDavPath,
  virtualFolderEntries,
  isVirtualFolder,
  type DavEntry,
} from "@/server/dav/dav.service";
import type { Actor } from "@/server/auth/actor";
import type { DavLock, Node } from "@/server/db/generated/client.ts";
import { getSettings } from "@/server/settings/settings.service";

export { DAV_PREFIX } from "@/server/dav/dav-paths";

const ALLOW = "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK";
const MAX_XML_BODY = 1024 * 1024;

/** An answer with a status and a short text, for the protocol's own refusals. */
class DavStatus extends Error {
  constructor(
    readonly status: number,
    readonly body = "",
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${body}`);
  }
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  actor: Actor;
  segments: string[];
  path: string;
  locks: DavLock[];
  ifLists: IfList[] | null;
  tokens: Set<string>;
}

/**
 * WebDAV class 1 and 2 at /dav/ over the caller's drive, on Node's own request. A thin protocol
 * layer: every change goes through the drive and upload services, so access, quota, names,
 * versions and trash behave exactly as in the web UI.
 */
export async function serveDav(req: IncomingMessage, res: ServerResponse) {
  try {
    const method = (req.method ?? "GET").toUpperCase();
    if (method === "OPTIONS") {
      res.writeHead(200, { DAV: "1, 2", "MS-Author-Via": "DAV", Allow: ALLOW, "Content-Length": 0 });
      return void res.end();
    }
    const actor = await authenticateDav(req);
    if (!actor) throw new DavStatus(401, "Sign in with your email and an app password.\n", { "WWW-Authenticate": 'Basic realm="Yunpan", charset="UTF-8"' });
    const segments = davSegments(new URL(req.url ?? "/", "http://x").pathname);
    if (!segments) throw new DavStatus(404);
    const ifHeader = req.headers.if;
    let ifLists: IfList[] | null = null;
    if (typeof ifHeader === "string" && ifHeader.trim()) ifLists = parseIfHeader(ifHeader);
    const ctx: Ctx = {
      req,
      res,
      actor,
      segments,
      path: lockPath(segments),
      locks: await activeLocks(actor.userId),
      ifLists,
      tokens: ifLists ? submittedTokens(ifLists) : new Set(),
    };
    switch (method) {
      case "PROPFIND":
        return await propfind(ctx);
      case "PROPPATCH":
        return await proppatch(ctx);
      case "GET":
      case "HEAD":
        return await get(ctx);
      case "PUT":
        return await put(ctx);
      case "MKCOL":
        return await mkcol(ctx);
      case "DELETE":
        return await remove(ctx);
      case "COPY":
      case "MOVE":
        return await copyOrMove(ctx, method);
      case "LOCK":
        return await lock(ctx);
      case "UNLOCK":
        return await unlock(ctx);
      default:
        throw new DavStatus(405, "", { Allow: ALLOW });
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    sendDavError(req, res, e);
  }
}

function sendDavError(req: IncomingMessage, res: ServerResponse, e: unknown) {
  if (res.headersSent) return void res.destroy();
  // A body we did not read would be parsed as the next request: close instead.
  const headers: Record<string, string> = req.complete ? {} : { Connection: "close" };
  let status: number;
  let text = "";
  // A lost database connection becomes a 503 with Retry-After here.
  const app = toAppError(e);
  if (e instanceof DavStatus) {
    status = e.status;
    text = e.body;
    Object.assign(headers, e.headers);
  } else if (app) {
    const locale = localeFromHeaders(req.headers["accept-language"], req.headers.cookie);
    // Out of quota is WebDAV's 507, so clients say "disk full" rather than "too large".
    status = app.key === "upload.quota" ? 507 : app.key === "node.isRoot" || app.key === "move.otherOwner" ? 403 : httpStatusOf[app.code];
    text = app.localized(locale) + "\n";
    if (app.retryAfterSeconds) headers["Retry-After"] = String(app.retryAfterSeconds);
  } else if (e instanceof ZodError) {
    // The name rule that failed, as the web interface words it.
    status = 400;
    text = translateIssue(e.issues[0]?.message ?? "input.invalid", localeFromHeaders(req.headers["accept-language"], req.headers.cookie)) + "\n";
  } else if (e instanceof XmlBodyError || e instanceof IfHeaderError || e instanceof DavPathError) {
    status = 400;
    text = e.message + "\n";
  } else {
    logger.error({ err: e, url: req.url, method: req.method }, "webdav request failed");
    status = 500;
  }
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(req.method === "HEAD" ? undefined : text);
  if (!req.complete) req.resume();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_XML_BODY) throw new DavStatus(413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const headerText = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}) {
  const body = XML_HEAD + xml;
  res.writeHead(status, { "Content-Type": 'application/xml; charset="utf-8"', "Content-Length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Length": 0, ...headers });
  res.end();
}

async function resolveOrThrow(ctx: Ctx): Promise<Node> {
  const { node } = await resolveDavPath({ actor: ctx.actor, segments: ctx.segments });
  if (!node) throw new DavStatus(404);
  return node;
}

// ---- Locks and the If header ----

const isUnder = (p: string, root: string) => p === root || p.startsWith(root + "/");
const parentPath = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf("/")));

/** A lock covers the path it is on and, at depth infinity, everything below. */
const covers = (l: DavLock, p: string) => l.path === p || (l.depth === -1 && isUnder(p, l.path));

function etagOf(node: Node, sha256: string | null): string {
  return sha256 ? `"${sha256}"` : `"${node.id}-${node.updatedAt.getTime()}"`;
}

async function checkIf(ctx: Ctx) {
  if (!ctx.ifLists) return;
  const pathOf = (resource: string | null): string | null => {
    if (resource === null) return ctx.path;
    const segs = destinationSegments(resource, ctx.req.headers.host);
    return segs ? lockPath(segs) : null;
  };
  const ok = await evaluateIf(
    ctx.ifLists,
    (resource, token) => {
      const p = pathOf(resource);
      return p !== null && ctx.locks.some((l) => l.token === token && covers(l, p));
    },
    async (resource) => {
      const p = pathOf(resource);
      if (p === null) return null;
      const segs = p === "" ? [] : p.slice(1).split("/");
      const { node } = await resolveDavPath({ actor: ctx.actor, segments: segs });
      if (!node) return null;
      const entry = await davEntryOf(node, false);
      return etagOf(node, entry.sha256);
    },
  );
  if (!ok) throw new DavStatus(412);
}

/**
 * Refuses (423) a change at `path` unless the client submitted the token of every lock on it: locks
 * covering it, locks below it when the whole subtree changes, and a lock on its folder when the
 * folder's membership changes (a resource created, removed or moved).
 */
function assertUnlocked(ctx: Ctx, p: string, opts: { subtree?: boolean; membership?: boolean } = {}) {
  const parent = parentPath(p);
  const affecting = ctx.locks.filter(
    (l) => covers(l, p) || (opts.subtree && isUnder(l.path, p)) || (opts.membership && p !== "" && l.path === parent),
  );
  for (const l of affecting) {
    if (ctx.tokens.has(l.token)) continue;
    // For a shared lock, any holder's token on the same resource will do.
    if (!l.exclusive && affecting.some((o) => !o.exclusive && o.path === l.path && ctx.tokens.has(o.token))) continue;
    throw new DavStatus(423, "The resource is locked.\n");
  }
}

function timeoutSeconds(header: string | undefined): number {
  for (const part of (header ?? "").split(",")) {
    const t = part.trim();
    if (/^infinite$/i.test(t)) return MAX_LOCK_SECONDS;
    const m = /^second-(\d+)$/i.exec(t);
    if (m) return Math.max(1, Math.min(MAX_LOCK_SECONDS, Number(m[1])));
  }
  return 3600;
}

function activeLockXml(l: DavLock): string {
  const seconds = Math.max(0, Math.round((l.expiresAt.getTime() - Date.now()) / 1000));
  const segs = l.path === "" ? [] : l.path.slice(1).split("/");
  return (
    "<D:activelock><D:locktype><D:write/></D:locktype>" +
    `<D:lockscope>${l.exclusive ? "<D:exclusive/>" : "<D:shared/>"}</D:lockscope>` +
    `<D:depth>${l.depth === -1 ? "infinity" : "0"}</D:depth>` +
    (l.owner ? `<D:owner>${l.owner}</D:owner>` : "") +
    `<D:timeout>Second-${seconds}</D:timeout>` +
    `<D:locktoken><D:href>${escapeXml(l.token)}</D:href></D:locktoken>` +
    `<D:lockroot><D:href>${escapeXml(href(segs, segs.length === 0))}</D:href></D:lockroot>` +
    "</D:activelock>"
  );
}

// ---- PROPFIND / PROPPATCH ----

const SUPPORTED_LOCK =
  "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>" +
  "<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>";

/** Live properties shown by allprop, in this order. */
const LIVE = ["creationdate", "displayname", "getcontentlength", "getcontenttype", "getetag", "getlastmodified", "resourcetype", "supportedlock", "lockdiscovery"];
/** Shown only when asked for by name (RFC 4331 quota). */
const ON_REQUEST = ["quota-available-bytes", "quota-used-bytes"];
const PROTECTED = new Set([...LIVE, ...ON_REQUEST]);

type PropfindMode = { kind: "allprop"; include: PropName[] } | { kind: "propname" } | { kind: "prop"; props: PropName[] };

interface Quota {
  used: number;
  available: number | null;
}

function liveValue(name: string, e: DavEntry, p: string, locks: DavLock[], quota: Quota | null): string | null {
  const n = e.node;
  const isFolder = n.kind === "FOLDER";
  switch (name) {
    case "creationdate":
      return n.createdAt.toISOString();
    case "displayname":
      return escapeXml(n.rootOwnerId ? "" : n.name);
    case "getcontentlength":
      return isFolder ? null : String(n.size);
    case "getcontenttype":
      return isFolder ? null : escapeXml(n.mimeType ?? "application/octet-stream");
    case "getetag":
      return escapeXml(etagOf(n, e.sha256));
    case "getlastmodified":
      return n.updatedAt.toUTCString();
    case "resourcetype":
      return isFolder ? "<D:collection/>" : "";
    case "supportedlock":
      return SUPPORTED_LOCK;
    case "lockdiscovery":
      return locks.filter((l) => covers(l, p)).map(activeLockXml).join("");
    case "quota-used-bytes":
      return quota ? String(quota.used) : null;
    case "quota-available-bytes":
      return quota?.available == null ? null : String(quota.available);
    default:
      return null;
  }
}

function responseXml(e: DavEntry, segments: string[], mode: PropfindMode, locks: DavLock[], quota: Quota | null): string {
  const p = lockPath(segments);
  const found: string[] = [];
  const missing: string[] = [];
  const dead = e.deadProps ?? [];
  if (mode.kind === "propname") {
    for (const name of LIVE) if (liveValue(name, e, p, locks, quota) !== null) found.push(`<D:${name}/>`);
    for (const d of dead) found.push(propXml({ ns: d.namespace, name: d.name }, ""));
  } else if (mode.kind === "allprop") {
    for (const name of LIVE) {
      const v = liveValue(name, e, p, locks, quota);
      if (v !== null) found.push(propXml({ ns: DAV_NS, name }, v));
    }
    for (const d of dead) found.push(propXml({ ns: d.namespace, name: d.name }, d.value));
    for (const inc of mode.include) {
      if (inc.ns !== DAV_NS || LIVE.includes(inc.name)) continue;
      const v = liveValue(inc.name, e, p, locks, quota);
      if (v !== null) found.push(propXml(inc, v));
    }
  } else {
    for (const want of mode.props) {
      const v = want.ns === DAV_NS && PROTECTED.has(want.name) ? liveValue(want.name, e, p, locks, quota) : null;
      const d = v === null ? dead.find((x) => x.namespace === want.ns && x.name === want.name) : undefined;
      if (v !== null) found.push(propXml(want, v));
      else if (d) found.push(propXml(want, d.value));
      else missing.push(propXml(want, ""));
    }
  }
  let xml = `<D:response><D:href>${escapeXml(href(segments, e.node.kind === "FOLDER"))}</D:href>`;
  if (found.length || missing.length === 0) xml += `<D:propstat><D:prop>${found.join("")}</D:prop><D:status>${statusLine(200)}</D:status></D:propstat>`;
  if (missing.length) xml += `<D:propstat><D:prop>${missing.join("")}</D:prop><D:status>${statusLine(404)}</D:status></D:propstat>`;
  return xml + "</D:response>";
}

function parsePropfind(body: string): PropfindMode {
  if (body.trim() === "") return { kind: "allprop", include: [] };
  const root = parseXml(body);
  if (!isDav(root, "propfind")) throw new XmlBodyError("expected a DAV:propfind element");
  const children = elementChildren(root);
  const first = children[0];
  if (!first) throw new XmlBodyError("empty propfind");
  if (isDav(first, "propname")) return { kind: "propname" };
  if (isDav(first, "allprop")) {
    const include = children.find((c) => isDav(c, "include"));
    return { kind: "allprop", include: include ? elementChildren(include).map(propNameOf) : [] };
  }
  if (isDav(first, "prop")) return { kind: "prop", props: elementChildren(first).map(checkedPropName) };
  throw new XmlBodyError("expected prop, allprop or propname");
}

/** A property named with an empty namespace declaration on a prefix is not well-formed. */
function checkedPropName(el: Parameters<typeof propNameOf>[0]): PropName {
  const p = propNameOf(el);
  if (el.prefix && !el.namespaceURI) throw new XmlBodyError("undeclared namespace prefix");
  return p;
}

async function writeChunk(res: ServerResponse, chunk: string) {
  if (!res.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const onClose = () => reject(Object.assign(new Error("closed"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
      res.once("drain", () => {
        res.off("close", onClose);
        resolve();
      });
      res.once("close", onClose);
    });
  }
}

async function propfind(ctx: Ctx) {
  const depth = String(ctx.req.headers.depth ?? "infinity").toLowerCase();
  if (depth !== "0" && depth !== "1") {
    // Depth infinity over a whole drive is what made other servers fall over; ask level by level.
    await readBody(ctx.req);
    return sendXml(ctx.res, 403, '<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>');
  }
  const mode = parsePropfind(await readBody(ctx.req));
  const node = await resolveOrThrow(ctx);
  const wantsDead = mode.kind !== "prop" || mode.props.some((p) => p.ns !== DAV_NS || !PROTECTED.has(p.name));
  const wantsQuota = mode.kind === "prop" && mode.props.some((p) => p.ns === DAV_NS && ON_REQUEST.includes(p.name));
  const quota = wantsQuota ? await quotaOf(ctx.actor, node) : null;
  const { res } = ctx;
  res.writeHead(207, { "Content-Type": 'application/xml; charset="utf-8"' });
  await writeChunk(res, XML_HEAD + '<D:multistatus xmlns:D="DAV:">');
  await writeChunk(res, responseXml(await davEntryOf(node, wantsDead), ctx.segments, mode, ctx.locks, quota));
  if (depth === "1" && node.kind === "FOLDER") {
    // Written batch by batch with backpressure: memory stays flat however large the folder.
    for (const v of await virtualFolderEntries(ctx.actor, node)) await writeChunk(res, responseXml(v, [...ctx.segments, v.node.name], mode, ctx.locks, quota));
    for await (const batch of listDavChildren({ actor: ctx.actor, folderId: node.id, withDeadProps: wantsDead })) {
      let chunk = "";
      for (const e of batch) chunk += responseXml(e, [...ctx.segments, e.node.name], mode, ctx.locks, quota);
      await writeChunk(res, chunk);
    }
  }
  res.end("</D:multistatus>\n");
}

/**
 * The quota that writes into `node` count against: inside a team folder (the caller reached it, so
 * is a member) the team folder's own, anywhere else the caller's.
 */
async function quotaOf(actor: Actor, node: { id: string; ownerId: string }): Promise<Quota> {
  const prisma = await getPrisma();
  const select = { kind: true, usedBytes: true, quotaBytes: true } as const;
  const owner = node.ownerId !== actor.userId && !isVirtualFolder(node.id) ? await prisma.user.findUnique({ where: { id: node.ownerId }, select }) : null;
  const user = owner?.kind === "TEAM" ? owner : await prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, select });
  // The default quota is a person's; a team folder always has its own.
  const fallback = user.kind === "TEAM" ? null : (await getSettings()).defaultQuotaBytes;
  const quota = user.quotaBytes !== null ? Number(user.quotaBytes) : fallback;
  const used = Number(user.usedBytes);
  return { used, available: quota === null ? null : Math.max(0, quota - used) };
}

async function proppatch(ctx: Ctx) {
  const body = await readBody(ctx.req);
  const node = await resolveOrThrow(ctx);
  if (isVirtualFolder(node.id)) throw new DavStatus(403);
  await checkIf(ctx);
  assertUnlocked(ctx, ctx.path);
  const root = parseXml(body);
  if (!isDav(root, "propertyupdate")) throw new XmlBodyError("expected a DAV:propertyupdate element");
  const ops: { op: "set" | "remove"; prop: PropName; value: string }[] = [];
  for (const action of elementChildren(root)) {
    const op = isDav(action, "set") ? "set" : isDav(action, "remove") ? "remove" : null;
    if (!op) throw new XmlBodyError("expected set or remove");
    for (const propEl of elementChildren(action).filter((c) => isDav(c, "prop"))) {
      for (const el of elementChildren(propEl)) ops.push({ op, prop: checkedPropName(el), value: op === "set" ? innerXml(el) : "" });
    }
  }
  const forbidden = ops.filter((o) => o.prop.ns === DAV_NS && PROTECTED.has(o.prop.name));
  const seen = new Map<string, PropName>();
  for (const o of ops) seen.set(propKey(o.prop), o.prop);
  let status = 200;
  if (forbidden.length === 0) await patchDeadProps({ actor: ctx.actor, nodeId: node.id, ops });
  else status = 424;
  const forbiddenKeys = new Set(forbidden.map((o) => propKey(o.prop)));
  const groups = new Map<number, string[]>();
  for (const [key, p] of seen) {
    const s = forbiddenKeys.has(key) ? 403 : status;
    groups.set(s, [...(groups.get(s) ?? []), propXml(p, "")]);
  }
  let xml = `<D:multistatus xmlns:D="DAV:"><D:response><D:href>${escapeXml(href(ctx.segments, node.kind === "FOLDER"))}</D:href>`;
  for (const [s, props] of groups) xml += `<D:propstat><D:prop>${props.join("")}</D:prop><D:status>${statusLine(s)}</D:status></D:propstat>`;
  sendXml(ctx.res, 207, xml + "</D:response></D:multistatus>");
}

// ---- Content ----

async function get(ctx: Ctx) {
  const { req, res } = ctx;
  const node = await resolveOrThrow(ctx);
  if (node.kind === "FOLDER") {
    const body = `<!doctype html><meta charset="utf-8"><title>${escapeXml(node.rootOwnerId ? "Yunpan" : node.name)}</title><p>WebDAV folder. Mount it with a WebDAV client.</p>\n`;
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(body), "Content-Security-Policy": "sandbox" });
    return void res.end(req.method === "HEAD" ? undefined : body);
  }
  const file = await getFileForDownload({ actor: ctx.actor, nodeId: node.id });
  await sendBlob(req, res, file, {
    "Last-Modified": node.updatedAt.toUTCString(),
    "Content-Type": file.mimeType ?? "application/octet-stream",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
  });
}

/** The client's type when it names one; otherwise the server guesses from the name. */
function clientMimeType(header: string | undefined): string | null {
  const t = header?.split(";", 1)[0]!.trim().toLowerCase();
  if (!t || t === "application/octet-stream" || !/^[\w.+-]+\/[\w.+-]+$/.test(t) || t.length > 200) return null;
  return t;
}

async function put(ctx: Ctx) {
  const { req, res } = ctx;
  if (ctx.segments.length === 0) throw new DavStatus(405, "", { Allow: ALLOW });
  const { node, parent } = await resolveDavPath({ actor: ctx.actor, segments: ctx.segments });
  if (node?.kind === "FOLDER") throw new DavStatus(405, "", { Allow: ALLOW });
  if (!parent || parent.kind !== "FOLDER") throw new DavStatus(409, "The parent folder does not exist.\n");
  if (isVirtualFolder(parent.id)) throw new DavStatus(403, `Nothing can be added to “${parent.name}” itself.\n`);
  await checkIf(ctx);
  assertUnlocked(ctx, ctx.path, { membership: !node });
  const filename = nodeNameSchema.parse(ctx.segments.at(-1));
  const lengthHeader = req.headers["content-length"];
  const size = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  if (req.headers["content-range"]) throw new DavStatus(400, "Partial PUT is not supported.\n");
  const out = await putDavFile({ actor: ctx.actor, parentId: parent.id, filename, size, body: req, mimeType: clientMimeType(req.headers["content-type"]) });
  sendEmpty(res, out.created ? 201 : 204, { ETag: `"${out.sha256}"` });
}

async function mkcol(ctx: Ctx) {
  const { req, res } = ctx;
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  const body = await readBody(req);
  if (hasBody && body.length > 0) throw new DavStatus(415);
  if (ctx.segments.length === 0) throw new DavStatus(405);
  const { node, parent } = await resolveDavPath({ actor: ctx.actor, segments: ctx.segments });
  if (node) throw new DavStatus(405, "", { Allow: ALLOW });
  if (!parent || parent.kind !== "FOLDER") throw new DavStatus(409, "The parent folder does not exist.\n");
  if (isVirtualFolder(parent.id)) throw new DavStatus(403, `Nothing can be added to “${parent.name}” itself.\n`);
  await checkIf(ctx);
  assertUnlocked(ctx, ctx.path, { membership: true });
  await createFolder({ actor: ctx.actor, parentId: parent.id, name: ctx.segments.at(-1)! });
  sendEmpty(res, 201);
}

/** DELETE moves to the trash, like the web UI: restorable until the trash is emptied. */
async function remove(ctx: Ctx) {
  const { node, fixed } = await resolveDavPath({ actor: ctx.actor, segments: ctx.segments });
  if (!node) throw new DavStatus(404);
  // The owner decides about a shared item itself; the grantee changes only what is inside it.
  if (node.rootOwnerId || fixed) throw new DavStatus(403);
  await checkIf(ctx);
  assertUnlocked(ctx, ctx.path, { subtree: true, membership: true });
  await trashNodes({ actor: ctx.actor, nodeIds: [node.id] });
  await deleteDavLocksUnder({ actor: ctx.actor, path: ctx.path });
  sendEmpty(ctx.res, 204);
}

/** COPY shares blobs (instant, charged to quota); MOVE is a rename and/or a move, never a copy. */
async function copyOrMove(ctx: Ctx, method: "COPY" | "MOVE") {
  const { req, res, actor } = ctx;
  await readBody(req);
  const destSegments = destinationSegments(headerText(req.headers.destination), req.headers.host);
  if (!req.headers.destination) throw new DavStatus(400, "Destination header required.\n");
  if (!destSegments) throw new DavStatus(502, "The destination is not on this server.\n");
  const resolved = await resolveDavPath({ actor, segments: ctx.segments });
  const source = resolved.node;
  if (!source) throw new DavStatus(404);
  if (source.rootOwnerId || isVirtualFolder(source.id) || (method === "MOVE" && resolved.fixed)) throw new DavStatus(403);
  const destPath = lockPath(destSegments);
  if (destPath === ctx.path) throw new DavStatus(403, "Source and destination are the same.\n");
  if (source.kind === "FOLDER" && isUnder(destPath, ctx.path)) throw new DavStatus(403, "A folder cannot go inside itself.\n");
  const dest = await resolveDavPath({ actor, segments: destSegments });
  if (!dest.parent || dest.parent.kind !== "FOLDER") throw new DavStatus(409, "The destination folder does not exist.\n");
  if (dest.fixed) throw new DavStatus(403, "Nothing can be added to “Shared with me” itself.\n");
  const overwrite = String(req.headers.overwrite ?? "T").toUpperCase() !== "F";
  await checkIf(ctx);
  if (method === "MOVE") assertUnlocked(ctx, ctx.path, { subtree: true, membership: true });
  assertUnlocked(ctx, destPath, { subtree: true, membership: true });
  if (dest.node && !overwrite) throw new DavStatus(412, "The destination exists.\n");
  const destName = nodeNameSchema.parse(destSegments.at(-1));
  // Between drives (a shared folder and one's own) there is only COPY: a move would change the owner.
  if (method === "MOVE" && source.ownerId !== dest.parent.ownerId) throw new DavStatus(403, "Move between drives is not possible; copy instead.\n");
  if (dest.node) {
    await trashNodes({ actor, nodeIds: [dest.node.id] });
    await deleteDavLocksUnder({ actor, path: destPath });
  }
  if (method === "COPY") {
    const depth = String(req.headers.depth ?? "infinity").toLowerCase();
    if (source.kind === "FOLDER" && depth === "0") {
      const folder = await createFolder({ actor, parentId: dest.parent.id, name: destName });
      await copyDeadProps({ actor, fromId: source.id, toId: folder.id });
    } else {
      const [copy] = await copyNodes({ actor, nodeIds: [source.id], targetId: dest.parent.id });
      if (copy!.name !== destName) await renameNode({ actor, nodeId: copy!.id, name: destName });
      await copyDeadProps({ actor, fromId: source.id, toId: copy!.id });
    }
  } else {
    await moveTo(actor, source, dest.parent.id, destName);
    await deleteDavLocksUnder({ actor, path: ctx.path });
  }
  sendEmpty(res, dest.node ? 204 : 201);
}

async function moveTo(actor: Actor, source: Node, targetId: string, name: string) {
  if (source.parentId === targetId) return void (await renameNode({ actor, nodeId: source.id, name }));
  if (source.name === name) return void (await moveNodes({ actor, nodeIds: [source.id], targetId }));
  // Renamed and moved: a free interim name keeps either step from meeting a sibling's name, and a
  // move that fails puts the old name back.
  await renameNode({ actor, nodeId: source.id, name: `.yunpan-move-${source.id}` });
  try {
    await moveNodes({ actor, nodeIds: [source.id], targetId });
  } catch (e) {
    await renameNode({ actor, nodeId: source.id, name: source.name }).catch(() => {});
    throw e;
  }
  await renameNode({ actor, nodeId: source.id, name });
}

// ---- LOCK / UNLOCK ----

async function lock(ctx: Ctx) {
  const { req, res, actor } = ctx;
  const body = await readBody(req);
  const seconds = timeoutSeconds(headerText(req.headers.timeout));
  if (body.trim() === "") {
    // A refresh: the lock named in the If header, on this resource or above it.
    if (!ctx.ifLists) throw new DavStatus(400, "A lock refresh needs an If header.\n");
    const held = ctx.locks.find((l) => ctx.tokens.has(l.token) && covers(l, ctx.path));
    if (!held) throw new DavStatus(412);
    const refreshed = await refreshDavLock({ actor, token: held.token, seconds });
    return sendXml(res, 200, `<D:prop xmlns:D="DAV:"><D:lockdiscovery>${activeLockXml(refreshed)}</D:lockdiscovery></D:prop>`);
  }
  const root = parseXml(body);
  if (!isDav(root, "lockinfo")) throw new XmlBodyError("expected a DAV:lockinfo element");
  const scope = elementChildren(root).find((c) => isDav(c, "lockscope"));
  const exclusive = !!scope && elementChildren(scope).some((c) => isDav(c, "exclusive"));
  if (!scope || (!exclusive && !elementChildren(scope).some((c) => isDav(c, "shared")))) throw new XmlBodyError("lockscope required");
  const ownerEl = elementChildren(root).find((c) => isDav(c, "owner"));
  const owner = ownerEl ? innerXml(ownerEl).slice(0, 4000) : null;
  const depthHeader = String(req.headers.depth ?? "infinity").toLowerCase();
  if (depthHeader !== "0" && depthHeader !== "infinity") throw new DavStatus(400, "Depth must be 0 or infinity.\n");
  const depth = depthHeader === "0" ? 0 : -1;

  await checkIf(ctx);
  const conflict = ctx.locks.find((l) => (covers(l, ctx.path) || (depth === -1 && isUnder(l.path, ctx.path))) && (l.exclusive || exclusive));
  if (conflict) throw new DavStatus(423, "The resource is locked.\n");

  let created = false;
  const { node, parent } = await resolveDavPath({ actor, segments: ctx.segments });
  if (isVirtualFolder(node?.id) || (!node && isVirtualFolder(parent?.id))) throw new DavStatus(403);
  if (!node) {
    // Locking an unmapped URL makes an empty file there (RFC 4918 §9.10.4).
    if (!parent || parent.kind !== "FOLDER") throw new DavStatus(409, "The parent folder does not exist.\n");
    assertUnlocked(ctx, ctx.path, { membership: true });
    const filename = nodeNameSchema.parse(ctx.segments.at(-1));
    await putDavFile({ actor, parentId: parent.id, filename, size: 0, body: Readable.from([]), mimeType: null });
    created = true;
  }
  const l = await createDavLock({ actor, path: ctx.path, depth, exclusive, owner, seconds });
  sendXml(res, created ? 201 : 200, `<D:prop xmlns:D="DAV:"><D:lockdiscovery>${activeLockXml(l)}</D:lockdiscovery></D:prop>`, {
    "Lock-Token": `<${l.token}>`,
  });
}

async function unlock(ctx: Ctx) {
  await readBody(ctx.req);
  const token = /^\s*<([^>]+)>\s*$/.exec(String(ctx.req.headers["lock-token"] ?? ""))?.[1];
  if (!token) throw new DavStatus(400, "Lock-Token header required.\n");
  const held = ctx.locks.find((l) => l.token === token && covers(l, ctx.path));
  if (!held || !(await deleteDavLock({ actor: ctx.actor, token }))) {
    return sendXml(ctx.res, 409, '<D:error xmlns:D="DAV:"><D:lock-token-matches-request-uri/></D:error>');
  }
  sendEmpty(ctx.res, 204);
}
