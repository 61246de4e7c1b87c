import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { appRouter } from "@/server/runtime/trpc-router";
import type { Context } from "@/server/trpc/init";
import type { Actor } from "@/server/auth/actor";

export interface TrpcErrorBody {
  message: string;
  data: { appCode: string; fieldErrors: Record<string, string> | null };
}

/** One mutation through tRPC's fetch adapter, so the error formatter shapes the answer as the browser sees it. */
export async function mutateOverHttp(actor: Actor, locale: "en" | "zh", path: string, input: unknown) {
  const ctx: Context = { actor, locale, meta: {} };
  const req = new Request(`http://localhost/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(superjson.serialize(input)),
  });
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: async () => ctx });
  const body = (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: TrpcErrorBody } };
  return { status: res.status, error: body.error?.json, data: body.result?.data.json };
}
