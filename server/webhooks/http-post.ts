import http from "node:http";
import https from "node:https";
import type { ResolvedTarget } from "@/server/webhooks/address-guard";

export interface PostResult {
  httpStatus: number | null;
  /** The first bytes of the answer (at most 1 KiB), for the delivery log. */
  response: string | null;
  error: string | null;
  latencyMs: number;
}

const MAX_BODY = 1024;

/**
 * POSTs `body` to `url`, connecting to the pinned address. Redirects are not followed (Node's
 * client never does; a 3xx is a failed attempt). Gives up after `timeoutMs` in total.
 */
export function postPinned(url: URL, target: ResolvedTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult> {
  const started = performance.now();
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<PostResult, "latencyMs">) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs: Math.round(performance.now() - started) });
    };
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Yunpan-Webhook/1", ...headers, "content-length": String(Buffer.byteLength(body)) },
        // Pinned: the address checked by resolveTarget, whatever DNS says now.
        lookup: (_host, opts, cb) => {
          if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
          else cb(null, target.address, target.family);
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const end = () => {
          finish({ httpStatus: res.statusCode ?? null, response: Buffer.concat(chunks).subarray(0, MAX_BODY).toString("utf8"), error: null });
          res.destroy();
        };
        res.on("data", (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= MAX_BODY) end();
        });
        res.on("end", end);
        res.on("error", end);
      },
    );
    const timer = setTimeout(() => {
      finish({ httpStatus: null, response: null, error: `no answer within ${Math.round(timeoutMs / 1000)} s` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (e) => finish({ httpStatus: null, response: null, error: e.message }));
    req.end(body);
  });
}
