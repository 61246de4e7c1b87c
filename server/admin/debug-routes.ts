import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { authenticateRequest } from "@/server/auth/request-auth";
import { AppError } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { requestMetaOf } from "@/server/admin/admin-meta";
import { openHeapSnapshot, takeCpuProfile } from "@/server/admin/debug-profiling.service";

export const PROFILE_PATH = "/api/admin/debug/profile";
export const HEAP_PATH = "/api/admin/debug/heap";

const stamp = () => new Date().toISOString().replace(/[:.]/g, "-");

/**
 * The admin caller, or an AppError. A page of another site could navigate an admin's browser
 * here (a GET carries Lax cookies), so a browser request must come from our own pages; scripts
 * (Bearer tokens, curl) send no Sec-Fetch-Site.
 */
async function callerOf(req: IncomingMessage) {
  const site = req.headers["sec-fetch-site"];
  if (site === "cross-site" || site === "same-site") throw new AppError("FORBIDDEN", "debug.crossSite");
  const actor = await authenticateRequest(req.headers);
  if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
  return actor;
}

/** GET /api/admin/debug/profile?seconds=N: a V8 CPU profile of the next N seconds (1…60, default 30). */
export async function serveCpuProfile(req: IncomingMessage, res: ServerResponse) {
  const hangUp = new AbortController();
  res.once("close", () => hangUp.abort());
  try {
    const actor = await callerOf(req);
    const seconds = new URL(req.url ?? "/", "http://x").searchParams.get("seconds");
    const profile = await takeCpuProfile({ actor, seconds, meta: requestMetaOf(req), signal: hangUp.signal });
    if (res.destroyed) return;
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Disposition": `attachment; filename="yunpan-${stamp()}.cpuprofile"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(JSON.stringify(profile));
  } catch (e) {
    sendError(req, res, e);
  }
}

/** GET /api/admin/debug/heap: a heap snapshot of this process, streamed from a temp file. */
export async function serveHeapSnapshot(req: IncomingMessage, res: ServerResponse) {
  let snapshot: Awaited<ReturnType<typeof openHeapSnapshot>>;
  try {
    snapshot = await openHeapSnapshot({ actor: await callerOf(req), meta: requestMetaOf(req) });
  } catch (e) {
    return sendError(req, res, e);
  }
  try {
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": String(snapshot.size),
      "Content-Disposition": `attachment; filename="yunpan-${stamp()}.heapsnapshot"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    await pipeline(snapshot.stream, res);
  } catch {
    // The caller left mid-download; pipeline has closed the file.
  } finally {
    snapshot.release();
  }
}
