import http, { type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";

/**
 * The server's response class: X-Request-Id goes on every answer as its headers are written, not
 * by setHeader when the request starts. A header set beforehand sends Node's writeHead(status,
 * headers) down its slow path (each header lowercased into a dictionary, then written), about a
 * fifth of a signed 1 MiB range's own JavaScript in the issue-15 profile; with none set,
 * writeHead writes the handler's object as it is, validated once.
 */
export class RequestIdResponse extends http.ServerResponse {
  /** Set by observeRequest; empty for a response it does not see. */
  requestId = "";

  override writeHead(statusCode: number, reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], maybeHeaders?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    const id = this.requestId;
    if (!id) return super.writeHead(statusCode, reasonOrHeaders as string, maybeHeaders);
    const reason = typeof reasonOrHeaders === "string" ? reasonOrHeaders : undefined;
    const headers = reason === undefined ? (reasonOrHeaders as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined) : maybeHeaders;
    if (headers && this.getHeaderNames().length === 0) {
      // The id first, as it was when set at the start; the handler's headers are not changed.
      if (!Array.isArray(headers)) return super.writeHead(statusCode, reason as string, { "X-Request-Id": id, ...headers });
      // A flat [name, value, …] list (blob-response.ts), or a list of [name, value] pairs.
      const list = Array.isArray(headers[0]) ? [["X-Request-Id", id], ...headers] : ["X-Request-Id", id, ...headers];
      return super.writeHead(statusCode, reason as string, list as OutgoingHttpHeader[]);
    }
    if (!this.hasHeader("x-request-id")) this.setHeader("X-Request-Id", id);
    return super.writeHead(statusCode, reason as string, headers);
  }
}
