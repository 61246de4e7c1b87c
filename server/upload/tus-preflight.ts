import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The answers where @tus/server 2.4 differs from the tus 1.0.0 protocol: a missing or unsupported
 * Tus-Resumable is 412 with the versions we speak (it says 400, or 412 without Tus-Version), and a PATCH that is not
 * `application/offset+octet-stream` is 415. Returns true when it answered.
 */
export function answerTusPreflight(req: IncomingMessage, res: ServerResponse): boolean {
  // OPTIONS is how a client learns the version; GET is not part of tus (@tus/server serves it bare).
  if (req.method === "OPTIONS" || req.method === "GET") return false;
  const version = req.headers["tus-resumable"];
  // A missing header is the same refusal as a wrong one, and it too names the versions we speak.
  if (version !== "1.0.0") {
    res.writeHead(412, { "Tus-Version": "1.0.0", "Tus-Resumable": "1.0.0", "Content-Type": "text/plain" });
    res.end("Unsupported tus version: this server speaks 1.0.0\n");
    return true;
  }
  if (req.method === "PATCH" && req.headers["content-type"] !== "application/offset+octet-stream") {
    res.writeHead(415, { "Tus-Resumable": "1.0.0", "Content-Type": "text/plain" });
    res.end("A PATCH must be Content-Type: application/offset+octet-stream\n");
    return true;
  }
  return false;
}
