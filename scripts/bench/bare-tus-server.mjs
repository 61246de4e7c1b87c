// Baseline for uploads: @tus/server with @tus/file-store on plain node:http, nothing else (no
// auth, no hashing, no database). Usage: PORT=… DIR=… node scripts/bench/bare-tus-server.mjs
import http from "node:http";
import { FileStore } from "@tus/file-store";
import { Server } from "@tus/server";

const tus = new Server({ path: "/files", datastore: new FileStore({ directory: process.env.DIR }), relativeLocation: true });
const server = http.createServer((req, res) => void tus.handle(req, res));
server.requestTimeout = 0;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`bare tus server on ${process.env.PORT}`));
process.on("SIGTERM", () => process.exit(0));
