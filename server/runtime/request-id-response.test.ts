import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { RequestIdResponse } from "@/server/runtime/request-id-response";

// Each path of a response sets its headers its own way; the id must reach every one of them once.
const answers: Record<string, (res: RequestIdResponse) => void> = {
  "/object": (res) => res.writeHead(206, { "Content-Type": "text/plain", "Content-Length": 2 }).end("ok"),
  "/object-reason": (res) => res.writeHead(200, "Fine", { "Content-Type": "text/plain" }).end("ok"),
  "/list": (res) => res.writeHead(200, ["Content-Type", "text/plain", "Content-Length", 2]).end("ok"),
  "/pairs": (res) => res.writeHead(200, [["Content-Type", "text/plain"]] as unknown as string[]).end("ok"),
  "/set-first": (res) => {
    res.setHeader("Cache-Control", "no-store");
    res.writeHead(201, { "Content-Type": "text/plain" }).end("ok");
  },
  "/implicit": (res) => {
    res.statusCode = 404;
    res.end("gone");
  },
  "/no-id": (res) => {
    res.requestId = "";
    res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
  },
};

let server: http.Server<typeof http.IncomingMessage, typeof RequestIdResponse>;
let base: string;
beforeAll(async () => {
  server = http.createServer({ ServerResponse: RequestIdResponse }, (req, res) => {
    res.requestId = "req-0123456789";
    answers[req.url!]!(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** The raw header lines, so a header sent twice shows twice. */
async function rawHeaders(path: string): Promise<{ status: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    http.get(base + path, (res) => {
      res.resume();
      const lines: string[] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
      res.on("end", () => resolve({ status: res.statusCode!, lines }));
    }).on("error", reject);
  });
}

test.each(["/object", "/object-reason", "/list", "/pairs", "/set-first", "/implicit"])("%s carries X-Request-Id once, with the handler's headers", async (path) => {
  const { lines } = await rawHeaders(path);
  expect(lines.filter((l) => /^x-request-id:/i.test(l))).toEqual(["X-Request-Id: req-0123456789"]);
  if (path !== "/implicit") expect(lines).toContain("Content-Type: text/plain");
});

test("the handler's status, reason and other headers are kept", async () => {
  expect((await rawHeaders("/object")).status).toBe(206);
  expect((await rawHeaders("/set-first")).lines).toContain("Cache-Control: no-store");
  expect((await rawHeaders("/implicit")).status).toBe(404);
  const res = await fetch(`${base}/object-reason`);
  expect(res.statusText).toBe("Fine");
});

test("a response observeRequest never saw gets no id", async () => {
  const { lines } = await rawHeaders("/no-id");
  expect(lines.some((l) => /^x-request-id:/i.test(l))).toBe(false);
});
