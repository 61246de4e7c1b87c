import type { IncomingMessage, ServerResponse } from "node:http";
import { once } from "node:events";
import { authenticateRequest } from "@/server/auth/request-auth";
import { AppError } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { exportAuditCsv } from "@/server/admin/admin-audit.service";
import { recordAudit, requestMetaOf } from "@/server/admin/admin-meta";

export const AUDIT_CSV_PATH = "/api/admin/audit.csv";

/** GET /api/admin/audit.csv?actor=&action=&from=&to=: the filtered audit log, streamed. */
export async function serveAuditCsv(req: IncomingMessage, res: ServerResponse) {
  try {
    const actor = await authenticateRequest(req.headers);
    if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
    const q = new URL(req.url ?? "/", "http://x").searchParams;
    const filter = {
      user: q.get("user") || undefined,
      action: q.get("action") || undefined,
      from: q.get("from") || undefined,
      to: q.get("to") || undefined,
    };
    const lines = exportAuditCsv({ actor, filter });
    // The first chunk runs the admin check and the filter validation before any header is sent.
    const first = await lines.next();
    const day = new Date().toISOString().slice(0, 10);
    res.writeHead(200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="yunpan-audit-${day}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    await recordAudit({ actorId: actor.userId, action: "admin.audit.export", targetType: "audit", meta: requestMetaOf(req), data: filter });
    if (req.method === "HEAD") return void res.end();
    // A BOM so spreadsheet programs read the UTF-8 (Chinese names) correctly.
    if (!first.done) res.write("\uFEFF" + first.value);
    for await (const chunk of lines) {
      if (!res.write(chunk)) await once(res, "drain");
      if (res.destroyed) return;
    }
    res.end();
  } catch (e) {
    sendError(req, res, e);
  }
}
