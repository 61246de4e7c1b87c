import type { IncomingMessage } from "node:http";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";

/** Client address (set from the socket by the server, never a header the client chose) and user agent. */
export function requestMetaOf(req: IncomingMessage): RequestMeta {
  const ip = req.headers["x-yunpan-client-ip"];
  return { ip: typeof ip === "string" && ip ? ip : (req.socket.remoteAddress ?? null), userAgent: req.headers["user-agent"] ?? null };
}

export { recordAudit };
