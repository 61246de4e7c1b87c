import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The two answers where @tus/server 2.4 says 400 and the tus 1.0.0 protocol says otherwise:
 * an unsupported Tus-Resumable is 412 with the versions we speak, and a PATCH that is not
 * `application/offset+octet-stream` is 415. Returns true when it answered.
 */
export function answerTusPreflight(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "OPTIONS") return false;
  const version = req.headers["tus-resumable"];
  if (version !== undefined && version !== "1.0.0") {
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
