// /scim/v2 on the custom server: bearer token, JSON body, one service call, SCIM's content type and
// error documents. Everything not understood is a SCIM error, never an HTML page or a stack.
import type { IncomingMessage, ServerResponse } from "node:http";
import { logger } from "@/server/log/logger";
import { authenticateScimToken } from "@/server/scim/scim-token.service";
import {
  createScimGroup,
  createScimUser,
  deleteScimGroup,
  deleteScimUser,
  getScimGroup,
  getScimUser,
  listScimGroups,
  listScimUsers,
  patchScimGroup,
  patchScimUser,
  replaceScimGroup,
  replaceScimUser,
  resourceTypes,
  ScimError,
  type RequestUserDeletion,
  serviceProviderConfig,
} from "@/server/scim/scim.service";

export const SCIM_PREFIX = "/scim/v2";
const MAX_BODY_BYTES = 1024 * 1024;

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, { "Cache-Control": "no-store", ...headers });
    res.end();
    return;
  }
  res.writeHead(status, { "Content-Type": "application/scim+json; charset=utf-8", "Cache-Control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ScimError(413, "The request body is too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw new ScimError(400, "The request has no JSON body", "invalidSyntax");
  try {
    return JSON.parse(text);
  } catch {
    throw new ScimError(400, "The request body is not valid JSON", "invalidSyntax");
  }
}

/** Client address (set by the server from the socket) and user agent, for the audit log. */
function requestMetaOf(req: IncomingMessage) {
  const ip = req.headers["x-yunpan-client-ip"];
  return { ip: typeof ip === "string" && ip ? ip : (req.socket.remoteAddress ?? null), userAgent: req.headers["user-agent"] ?? null };
}

const numberParam = (v: string | null) => (v === null || v === "" || Number.isNaN(Number(v)) ? undefined : Number(v));

export async function serveScim(req: IncomingMessage, res: ServerResponse, pathname: string, deps: { requestUserDeletion: RequestUserDeletion }): Promise<void> {
  try {
    if (!(await authenticateScimToken(req.headers.authorization))) {
      throw Object.assign(new ScimError(401, "A valid SCIM bearer token is required"), { bearer: true });
    }
    const url = new URL(req.url ?? "/", "http://scim.invalid");
    const parts = pathname.slice(SCIM_PREFIX.length).split("/").filter(Boolean).map(decodeURIComponent);
    const [resource, id, ...rest] = parts;
    const method = req.method ?? "GET";
    const meta = requestMetaOf(req);
    if (rest.length) throw new ScimError(404, "No such resource");
    if (resource === "ServiceProviderConfig" && !id && method === "GET") return send(res, 200, serviceProviderConfig());
    if (resource === "ResourceTypes" && !id && method === "GET") return send(res, 200, resourceTypes());
    if (resource === "Users" || resource === "Groups") {
      const users = resource === "Users";
      const query = {
        filter: url.searchParams.get("filter"),
        startIndex: numberParam(url.searchParams.get("startIndex")),
        count: numberParam(url.searchParams.get("count")),
        excludedAttributes: url.searchParams.get("excludedAttributes"),
      };
      if (!id && method === "GET") return send(res, 200, users ? await listScimUsers(query) : await listScimGroups(query));
      if (!id && method === "POST") {
        const body = await readJson(req);
        return send(res, 201, users ? await createScimUser(body, meta) : await createScimGroup(body, meta));
      }
      if (id && method === "GET") return send(res, 200, users ? await getScimUser(id) : await getScimGroup(id, query));
      if (id && method === "PUT") {
        const body = await readJson(req);
        return send(res, 200, users ? await replaceScimUser(id, body, meta) : await replaceScimGroup(id, body, meta));
      }
      if (id && method === "PATCH") {
        const body = await readJson(req);
        return send(res, 200, users ? await patchScimUser(id, body, meta) : await patchScimGroup(id, body, meta));
      }
      if (id && method === "DELETE") {
        await (users ? deleteScimUser(id, deps.requestUserDeletion, meta) : deleteScimGroup(id, meta));
        return send(res, 204);
      }
      throw new ScimError(405, `${method} is not supported here`);
    }
    throw new ScimError(404, "No such resource");
  } catch (e) {
    if (e instanceof ScimError) return send(res, e.status, e.toJSON(), (e as { bearer?: boolean }).bearer ? { "WWW-Authenticate": 'Bearer realm="scim"' } : {});
    logger.error({ err: e, url: req.url }, "scim request failed");
    send(res, 500, new ScimError(500, "The server could not complete the request").toJSON());
  }
}
