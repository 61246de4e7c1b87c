import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateRequest } from "@/server/auth/request-auth";
import { AppError } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { getChangeBus } from "@/server/events/change-bus";
import { cursorSchema } from "@/server/changes/changes.schemas";
import { assertCursorKept, ChangeVisibility, currentCursor, readChanges, REREAD_MS, toChangeDto } from "@/server/changes/change-feed.service";

export const EVENTS_PATH = "/api/events";
/** Comments keep proxies (nginx's 60 s read timeout) from closing an idle stream. */
export const HEARTBEAT_MS = 25_000;
/**
 * Bytes a stream may have queued for a client that does not read. Past it the stream is closed:
 * memory stays bounded, and the browser reconnects with Last-Event-ID and replays from the log.
 */
export const MAX_QUEUED_BYTES = 256 * 1024;

let openStreams = 0;
/** Streams this process is serving now. */
export function openEventStreams(): number {
  return openStreams;
}

/**
 * GET /api/events: Server-Sent Events of the caller's changes (session cookie or Bearer token).
 * `id:` is the change's seq; a reconnect's Last-Event-ID (or ?cursor=) replays from the log; with
 * neither the stream starts at the newest change. `?scope=admin` streams every drive to an admin.
 */
export async function serveEvents(req: IncomingMessage, res: ServerResponse) {
  try {
    const actor = await authenticateRequest(req.headers);
    if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
    const q = new URL(req.url ?? "/", "http://x").searchParams;
    const scope = q.get("scope") === "admin" ? "admin" : "mine";
    if (scope === "admin" && actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "auth.adminOnly");
    const given = (req.headers["last-event-id"] as string | undefined) ?? q.get("cursor") ?? undefined;
    if (given !== undefined && !cursorSchema.safeParse(given).success) throw new AppError("BAD_REQUEST", "input.invalid");
    let cursor = BigInt(given ?? (await currentCursor({ actor })).cursor);
    await assertCursorKept(cursor);
    const visibility = new ChangeVisibility(actor, scope, undefined, true);

    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      // nginx: pass each event on at once instead of buffering the response.
      "X-Accel-Buffering": "no",
    });
    // The id (with no data) sets the browser's Last-Event-ID before any change arrives, so a
    // stream that drops before its first change resumes here instead of at the newest change.
    res.write(`retry: 3000\nid: ${cursor}\n\n`);

    openStreams++;
    let closed = false;
    let pending = false;
    let running = false;
    const close = () => {
      if (closed) return;
      closed = true;
      openStreams--;
      off();
      clearInterval(heartbeat);
      clearInterval(reread);
      res.destroy();
    };
    const write = (chunk: string) => {
      res.write(chunk);
      if (res.writableLength > MAX_QUEUED_BYTES) close();
    };
    const pump = async () => {
      if (running) return void (pending = true);
      running = true;
      try {
        do {
          pending = false;
          for (;;) {
            const page = await readChanges(visibility, cursor, 200);
            for (const c of page.changes) {
              if (closed) return;
              write(`id: ${c.seq}\nevent: change\ndata: ${JSON.stringify(toChangeDto(c))}\n\n`);
            }
            cursor = page.cursor;
            if (!page.hasMore || closed) break;
          }
        } while (pending && !closed);
      } catch (e) {
        console.error("event stream read failed", (e as Error).message);
        close();
      } finally {
        running = false;
      }
    };
    const off = getChangeBus().subscribe((seq) => {
      if (seq > cursor) void pump();
    });
    const heartbeat = setInterval(() => write(": ping\n\n"), HEARTBEAT_MS);
    // A wake-up lost while the bus reconnected is picked up by this slow re-read.
    const reread = setInterval(() => void pump(), REREAD_MS);
    req.on("close", close);
    res.on("error", close);
    await pump();
  } catch (e) {
    if (!res.headersSent) sendError(req, res, e);
    else res.destroy();
  }
}
