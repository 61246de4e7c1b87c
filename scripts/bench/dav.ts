// WebDAV in the bench: PUT and GET of the source file beside tus and the download route, and
// PROPFIND Depth 1 on folders of 10k and 100k entries (time and the server's peak RSS: the answer
// streams batch by batch, so memory should not grow with the folder).
import { execFile } from "node:child_process";
import http from "node:http";
import { curlDownload, MiB, request, sha256OfGet, tusUpload } from "./clients";
import { root, type Yunpan } from "./yunpan";
import type { Scenario } from "./report";

interface Source {
  file: string;
  sha256: string;
  size: number;
}

const sizeLabel = (bytes: number) => (bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${bytes / MiB} MiB`);
const check = (what: string, got: string, want: string) => {
  if (got !== want) throw new Error(`${what}: sha256 ${got}, expected ${want}`);
  return `${what} sha256 matches`;
};

/** PUT and GET over /dav/ (Bearer auth, like the tus rows) beside tus and /api/files/{id}/content. */
export function davTransferScenarios(src: Source, y: Yunpan): Scenario[] {
  let tusNodeId: string | null = null;
  return [
    {
      title: `WebDAV PUT ${sizeLabel(src.size)}`,
      notes: ["both commit the same way (sha256 while streaming, one transaction); PUT over the same name adds a version each rep"],
      variants: [
        {
          name: "Yunpan tus, 1 PATCH",
          baseline: true,
          processes: () => [{ label: "Yunpan", pid: y.proc.pid }],
          bytes: src.size,
          run: async (rep) => {
            tusNodeId = (await tusUpload({ endpoint: `${y.url}/api/upload`, headers: y.auth, file: src.file, size: src.size, chunk: src.size, filename: `tus-${rep}.bin` })).nodeId;
          },
        },
        {
          name: "Yunpan WebDAV PUT /dav/…",
          processes: () => [{ label: "Yunpan", pid: y.proc.pid }],
          bytes: src.size,
          run: async () => {
            const r = await request(`${y.url}/dav/dav-put.bin`, { method: "PUT", headers: y.auth, file: { path: src.file, start: 0, length: src.size } });
            if (r.status !== 201 && r.status !== 204) throw new Error(`PUT: ${r.status} ${r.body.toString().slice(0, 200)}`);
          },
          verify: async () => check("GET /dav/dav-put.bin", (await sha256OfGet(`${y.url}/dav/dav-put.bin`, y.auth)).sha256, src.sha256),
        },
      ],
    },
    {
      title: `WebDAV GET ${sizeLabel(src.size)} (curl)`,
      notes: [],
      variants: [
        {
          name: "Yunpan GET /api/files/{id}/content",
          baseline: true,
          processes: () => [{ label: "Yunpan", pid: y.proc.pid }],
          bytes: src.size,
          run: async () => void (await curlDownload(`${y.url}/api/files/${tusNodeId}/content`, src.size, y.auth)),
        },
        {
          name: "Yunpan WebDAV GET /dav/…",
          processes: () => [{ label: "Yunpan", pid: y.proc.pid }],
          bytes: src.size,
          run: async () => void (await curlDownload(`${y.url}/dav/dav-put.bin`, src.size, y.auth)),
        },
      ],
    },
  ];
}

function propfind(url: string, auth: Record<string, string>): Promise<{ status: number; bytes: number; responses: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "PROPFIND", headers: { ...auth, Depth: "1", "Content-Type": "application/xml" } }, (res) => {
      let bytes = 0;
      let responses = 0;
      let tail = "";
      res.on("data", (c: Buffer) => {
        bytes += c.length;
        // Count <D:response> elements across chunk boundaries without keeping the body.
        const text = tail + c.toString("latin1");
        responses += text.split("<D:response>").length - 1;
        tail = text.slice(-("<D:response>".length - 1));
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, responses }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end('<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>');
  });
}

function adminCli(dataDir: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/admin.ts", ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", LOG_LEVEL: "silent", DATA_DIR: dataDir } },
      (err, _stdout, stderr) => (err ? reject(new Error(`admin ${args[0]} failed: ${stderr || err.message}`)) : resolve()),
    );
  });
}

/**
 * PROPFIND Depth 1 (allprop) on folders of `counts` entries, seeded in bulk through the admin CLI.
 * A first, untimed PROPFIND checks the entry count and sizes the answer (the MiB/s column is
 * answer bytes per second); the notes carry seconds and entries per second.
 */
export async function propfindScenarios(y: Yunpan, counts: number[]): Promise<Scenario[]> {
  const email = `bench-${new URL(y.url).port}@example.com`;
  const out: Scenario[] = [];
  for (const count of counts) {
    const name = `propfind-${count}`;
    await adminCli(y.dataDir, ["seed-folder", "--email", email, "--name", name, "--count", String(count)]);
    const url = `${y.url}/dav/${name}/`;
    const probe = await propfind(url, y.auth);
    if (probe.status !== 207 || probe.responses !== count + 1) throw new Error(`PROPFIND ${name}: ${probe.status}, ${probe.responses} responses for ${count} entries`);
    out.push({
      title: `WebDAV PROPFIND Depth 1, ${count.toLocaleString("en")} entries`,
      notes: [`allprop; answer ${(probe.bytes / MiB).toFixed(1)} MiB for ${count + 1} responses`],
      variants: [
        {
          name: "Yunpan WebDAV PROPFIND (streamed in batches of 1000)",
          baseline: true,
          processes: () => [{ label: "Yunpan", pid: y.proc.pid }],
          bytes: probe.bytes,
          run: async () => {
            const t0 = performance.now();
            const r = await propfind(url, y.auth);
            const seconds = (performance.now() - t0) / 1000;
            if (r.status !== 207 || r.responses !== count + 1) throw new Error(`PROPFIND ${name}: ${r.status}, ${r.responses} responses`);
            return { "note:seconds": seconds, "note:entries per second": count / seconds };
          },
        },
      ],
    });
  }
  return out;
}
