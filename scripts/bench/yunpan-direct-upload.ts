// The direct-upload client of the bench: what the browser does (components/upload/direct-upload-client.ts,
// the very module: presigned UploadPart URLs, Content-MD5 per part, 6 parts at a time), driven from
// Node against a running Yunpan, in a process of its own like the lib-storage baseline
// (s3-direct-upload.mjs) so the two clients compare. Prints "ready", then for every JSON line on
// stdin ({ file, filename, sha256 }) uploads the file and prints a JSON line ({ ok, nodeId }).
// The sha256 is given (the browser hashes the file before it starts; not timed here).
// Usage: YUNPAN_URL=… YUNPAN_TOKEN=… node --import tsx scripts/bench/yunpan-direct-upload.ts
import { openAsBlob } from "node:fs";
import { request } from "node:http";
import { createInterface } from "node:readline";
import { runDirectUpload, type DirectUploadApi, type PutPart } from "../../components/upload/direct-upload-client";

const url = process.env.YUNPAN_URL!;
const auth = { Authorization: `Bearer ${process.env.YUNPAN_TOKEN}` };

async function call<T>(procedure: string, input: unknown): Promise<T> {
  const res = await fetch(`${url}/api/trpc/${procedure}`, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ json: input }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`tRPC ${procedure}: ${res.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
}

async function query<T>(procedure: string, input: unknown): Promise<T> {
  const res = await fetch(`${url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: auth });
  const text = await res.text();
  if (!res.ok) throw new Error(`tRPC ${procedure}: ${res.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
}

const api: DirectUploadApi = {
  start: (input) => call("upload.directStart", input),
  partUrls: (input) => call("upload.directPartUrls", input),
  parts: (input) => query("upload.directParts", input),
  complete: (input) => call("upload.directComplete", input),
};

// node:http, as the browser's XHR: the status, or 0 when no answer came. The body is the part the
// client read and digested (no second read, no copy).
const putPart: PutPart = (partUrl, { bytes: part }, md5, onProgress, signal) => {
  const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
  return new Promise<number>((resolve) => {
    const req = request(partUrl, { method: "PUT", headers: { "Content-MD5": md5, "Content-Length": bytes.length }, signal }, (res) => {
      res.resume();
      res.on("end", () => {
        if (res.statusCode! >= 200 && res.statusCode! < 300) onProgress(bytes.length);
        resolve(res.statusCode!);
      });
    });
    req.on("error", () => resolve(0));
    req.end(bytes);
  });
};

// A clean exit on SIGTERM (the bench stopping it), so --cpu-prof writes its profile.
process.on("SIGTERM", () => process.exit(0));
console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { file, filename, sha256 } = JSON.parse(line) as { file: string; filename: string; sha256: string };
  try {
    const node = (await runDirectUpload({ file: await openAsBlob(file), filename, sha256, api, putPart, onConflict: "rename" })) as { id: string };
    console.log(JSON.stringify({ ok: true, nodeId: node.id }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String((e as Error)?.message ?? e) }));
  }
}
