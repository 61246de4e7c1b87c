// Baseline for uploads: plain node:http doing `pipeline(req, createWriteStream)`, speaking just
// enough tus (POST to create, PATCH at an offset) for the bench's client. No auth, no hashing,
// no database. Usage: PORT=… DIR=… node scripts/bench/bare-pipe-server.mjs
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";

const dir = process.env.DIR;
const port = Number(process.env.PORT);
const uploads = new Map();

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === "POST" && req.url === "/files") {
      const id = randomBytes(16).toString("hex");
      await writeFile(path.join(dir, id), "");
      uploads.set(id, { size: Number(req.headers["upload-length"]), offset: 0 });
      res.writeHead(201, { Location: `/files/${id}`, "Tus-Resumable": "1.0.0" });
      return void res.end();
    }
    const m = /^\/files\/([0-9a-f]{32})$/.exec(req.url ?? "");
    const upload = m && uploads.get(m[1]);
    if (req.method === "PATCH" && upload) {
      const offset = Number(req.headers["upload-offset"]);
      if (offset !== upload.offset) {
        res.writeHead(409);
        return void res.end();
      }
      const file = createWriteStream(path.join(dir, m[1]), { flags: "r+", start: offset });
      await pipeline(req, file);
      upload.offset = offset + file.bytesWritten;
      res.writeHead(204, { "Upload-Offset": String(upload.offset), "Tus-Resumable": "1.0.0" });
      return void res.end();
    }
    res.writeHead(404);
    res.end();
  } catch (e) {
    res.writeHead(500);
    res.end(String(e));
  }
});
server.requestTimeout = 0;
server.listen(port, "127.0.0.1", () => console.log(`bare pipe server on ${port}`));
process.on("SIGTERM", () => process.exit(0));
