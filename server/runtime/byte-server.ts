// The byte paths alone (tus, downloads, health) with the same runtime as the full server, without
// Next: what the fault and replica tests kill and restart, and what the bench compares to a bare
// Node server. Run with `node --import tsx server/runtime/byte-server.ts`.
import { loadEnvOrExit, startRuntime } from "@/server/runtime/boot";

const env = loadEnvOrExit();
await startRuntime(env, {
  fallback: (_req, res) => {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found\n");
  },
});
console.log(`byte server listening on ${env.host}:${env.port}`);
