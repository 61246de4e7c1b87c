// The direct-upload client of the bench: what the browser does, with the very modules
// (components/upload/file-digests.ts: one read of the file for its sha256 and the parts' MD5s, as the
// hash worker does before it asks for an instant upload; direct-upload-client.ts: presigned
// UploadPart URLs, 6 parts at a time), driven from Node against a running Yunpan, in a process of its
// own like the lib-storage baseline (s3-direct-upload.mjs) so the two clients compare. Prints
// "ready", then answers every JSON line on stdin with one JSON line:
//   { op: "hash", file, sha256 } → the hash pass (checked against the sha256): { ok, hashSeconds }
//   { file, filename, sha256 }   → uploads the file with that pass's digests: { ok, nodeId }
// Usage: YUNPAN_URL=… YUNPAN_TOKEN=… node --import tsx scripts/bench/yunpan-direct-upload.ts
import { createReadStream, openAsBlob } from "node:fs";
import { request } from "node:http";
import { pipeline } from "node:stream/promises";
import { createInterface } from "node:readline";
import { runDirectUpload, type DirectUploadApi, type PutPart } from "../../components/upload/direct-upload-client";
import { digestFile, type FileDigests } from "../../components/upload/file-digests";
import { s3PartSize } from "../../server/upload/part-size";

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

// node:http, as the browser's XHR: the status, or 0 when no answer came. The body is the part read
// from the file in 1 MiB chunks as it goes out (the browser's XHR streams the slice likewise), or
// the bytes the client read to digest it when the hash pass gave no MD5s.
const putPart = (file: string): PutPart => (partUrl, { blob, offset, bytes }, md5, onProgress, signal) =>
  new Promise<number>((resolve) => {
    const req = request(partUrl, { method: "PUT", headers: { "Content-MD5": md5, "Content-Length": blob.size }, signal }, (res) => {
      res.resume();
      res.on("end", () => {
        if (res.statusCode! >= 200 && res.statusCode! < 300) onProgress(blob.size);
        resolve(res.statusCode!);
      });
    });
    req.on("error", () => resolve(0));
    if (bytes) req.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    else if (blob.size === 0) req.end();
    else pipeline(createReadStream(file, { start: offset, end: offset + blob.size - 1, highWaterMark: 1024 * 1024 }), req).catch(() => req.destroy());
  });

// A clean exit on SIGTERM (the bench stopping it), so --cpu-prof writes its profile.
process.on("SIGTERM", () => process.exit(0));
console.log("ready");
const digestsOf = new Map<string, FileDigests>();
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { op, file, filename, sha256 } = JSON.parse(line) as { op?: "hash"; file: string; filename: string; sha256: string };
  try {
    if (op === "hash") {
      // As the upload manager: the part size the server will plan, from upload.config.
      const config = await query<{ partFloorBytes: number; direct: boolean }>("upload.config", undefined);
      if (!config.direct) throw new Error("direct upload is off on this server");
      const blob = await openAsBlob(file);
      const t0 = performance.now();
      const digests = await digestFile(blob, s3PartSize(blob.size, config.partFloorBytes));
      const hashSeconds = (performance.now() - t0) / 1000;
      if (digests.sha256 !== sha256) throw new Error(`the hash pass gave ${digests.sha256}, expected ${sha256}`);
      digestsOf.set(file, digests);
      console.log(JSON.stringify({ ok: true, hashSeconds }));
      continue;
    }
    const digests = digestsOf.get(file);
    if (digests?.sha256 !== sha256) throw new Error(`no hash pass of ${file} gave ${sha256}`);
    const node = (await runDirectUpload({ file: await openAsBlob(file), filename, sha256, digests, api, putPart: putPart(file), onConflict: "rename" })) as { id: string };
    console.log(JSON.stringify({ ok: true, nodeId: node.id }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String((e as Error)?.message ?? e) }));
  }
}
