import type { ServerResponse } from "node:http";
import { getDatabase } from "@/server/db/client";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { sendJson } from "@/server/http/respond";

async function probe(fn: () => Promise<void>): Promise<"ok" | "down"> {
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 3000))]);
    return "ok";
  } catch {
    return "down";
  }
}

/** GET /api/health: 200 when every dependency answers, 503 naming the ones that do not. */
export async function serveHealth(res: ServerResponse) {
  const [db, storage] = await Promise.all([
    probe(async () => (await getDatabase()).ping()),
    probe(() => getBlobStore().check()),
  ]);
  const ok = db === "ok" && storage === "ok";
  sendJson(res, ok ? 200 : 503, { status: ok ? "ok" : "unavailable", db, storage });
}
