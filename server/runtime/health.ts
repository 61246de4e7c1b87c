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

/** The checks behind /api/health, also reported at every scrape as yunpan_dependency_up. */
export const dependencyChecks = {
  database: async () => (await getDatabase()).ping(),
  storage: () => getBlobStore().check(),
};

/** GET /api/health: 200 when every dependency answers, 503 naming the ones that do not. */
export async function serveHealth(res: ServerResponse) {
  const [db, storage] = await Promise.all([
    probe(dependencyChecks.database),
    probe(dependencyChecks.storage),
  ]);
  const ok = db === "ok" && storage === "ok";
  sendJson(res, ok ? 200 : 503, { status: ok ? "ok" : "unavailable", db, storage });
}
