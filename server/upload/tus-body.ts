import type { IncomingMessage } from "node:http";
import { finished } from "node:stream";

/** Bytes a body stream holds ahead of tus's reader before the socket is paused. */
const QUEUE_BYTES = 1024 * 1024;

/**
 * tus reads a request's body as a web stream and turns it back into a Node stream. srvx makes that
 * web stream with `Readable.toWeb`, which copies every socket chunk into a new Uint8Array: a third
 * copy of each byte and most of the garbage of a tus upload (issue 15). The stream made here hands
 * on the request's own Buffers, with the same backpressure (the socket pauses while the queue is
 * full), end and errors; cancelling it destroys the request.
 */
export function webBodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  req.pause();
  const cleanup = finished(req, (error) => {
    cleanup();
    req.off("data", onData);
    if (done) return;
    done = true;
    if (error) controller.error(error);
    else controller.close();
  });
  function onData(chunk: Buffer) {
    controller.enqueue(chunk);
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  }
  req.on("data", onData);
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        req.resume();
      },
      cancel(reason) {
        done = true;
        req.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: QUEUE_BYTES }),
  );
}

/**
 * Makes tus read the body of `req` (srvx's request, Node's underneath) through `webBodyOf`; must
 * run before tus first reads `req.body`, which it does after onIncomingRequest.
 */
export function useUncopiedBody(req: Request) {
  const node = (req as Request & { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
  if (!node || (req.method !== "PATCH" && req.method !== "POST")) return;
  let body: ReadableStream<Uint8Array> | undefined;
  Object.defineProperty(req, "body", { configurable: true, get: () => (body ??= webBodyOf(node)) });
}
