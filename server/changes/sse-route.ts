import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateRequest } from "@/server/auth/request-auth";
import { AppError } from "@/server/errors/app-error";
import { sendError } from "@/server/http/respond";
import { getChangeBus } from "@/server/events/change-bus";
import { cursorSchema } from "@/server/changes/changes.schemas";
import { assertCursorKept, ChangeVisibility, currentCursor } from "@/server/changes/change-feed.service";
import { addStream, checkOncePerTick, frameOf, rowsAfter, STREAM_ROUND, visibleIn } from "@/server/changes/stream-hub";

export const EVENTS_PATH = "/api/events";
/**
 * Sent every streamTiming.heartbeatMs (25 s): keeps proxies (nginx's 60 s read timeout) from
 * closing an idle stream, and lets the page see the stream is alive.
 */
export const PING = "event: ping\ndata: 0\n\n";
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
    /** The highest seq the bus announced as committed. */
    let announced = 0n;
    const close = () => {
      if (closed) return;
      closed = true;
      openStreams--;
      off();
      remove();
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
          // A shared read this stream joined may have started before the commit that woke it;
          // a batch that ends short of the announced seq is then read once more, by a query that
          // starts after that commit.
          let reread = false;
          for (;;) {
            const batch = await rowsAfter(cursor);
            if (closed) return;
            if (batch.length) {
              const visible = await visibleIn(visibility, batch);
              if (closed) return;
              if (visible.length) write(visible.map(frameOf).join(""));
              cursor = batch.at(-1)!.seq;
              if (batch.length === STREAM_ROUND) continue;
            }
            if (cursor >= announced || reread) break;
            reread = true;
          }
        } while (pending && !closed);
      } catch (e) {
        console.error("event stream read failed", (e as Error).message);
        close();
      } finally {
        running = false;
      }
    };
    // The caller is checked again on every re-read: a user disabled or signed out everywhere, a
    // changed password, a revoked token or a lost admin role ends the stream within REREAD_MS.
    const credential = `${req.headers.authorization ?? ""}\n${req.headers.cookie ?? ""}`;
    const stillAllowed = async () => {
      try {
        const now = await checkOncePerTick(credential, () => authenticateRequest(req.headers));
        return now !== null && now.userId === actor.userId && (scope !== "admin" || now.role === "ADMIN");
      } catch {
        return false; // 2FA now required, or the database is away: the client reconnects and is asked again
      }
    };
    const off = getChangeBus().subscribe((seq) => {
      if (seq > announced) announced = seq;
      if (seq > cursor) void pump();
    });
    const remove = addStream({
      // A named event, unlike a comment, reaches the page's script: it tells a live stream from a
      // half-dead one (live-events.tsx reconnects after STALE_MS of silence).
      heartbeat: () => !closed && write(PING),
      reread: () =>
        void stillAllowed().then((ok) => {
          if (!ok) close();
          // A wake-up lost while the bus reconnected is picked up here.
          else void pump();
        }),
    });
    req.on("close", close);
    res.on("error", close);
    await pump();
  } catch (e) {
    if (!res.headersSent) sendError(req, res, e);
    else res.destroy();
  }
}
