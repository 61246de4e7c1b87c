import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { appRouter } from "@/server/runtime/trpc-router";
import type { Context } from "@/server/trpc/init";
import type { Actor } from "@/server/auth/actor";

export interface TrpcErrorBody {
  message: string;
  data: { appCode: string; fieldErrors: Record<string, string> | null };
}

/**
 * One call through tRPC's fetch adapter, so the error formatter shapes the answer as a browser gets
 * it: a mutation when `input` is given, a query otherwise.
 */
export async function overHttp(path: string, ctx: Context, input?: unknown) {
  const mutation = input !== undefined;
  const req = new Request(`http://localhost/api/trpc/${path}`, {
    method: mutation ? "POST" : "GET",
    headers: { "content-type": "application/json" },
    body: mutation ? JSON.stringify(superjson.serialize(input)) : undefined,
  });
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: async () => ctx });
  const body = (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: TrpcErrorBody } };
  return { status: res.status, error: body.error?.json, data: body.result?.data.json };
}

/** A mutation by `actor` in `locale`, over HTTP as above. */
export function mutateOverHttp(actor: Actor, locale: "en" | "zh", path: string, input: unknown) {
  return overHttp(path, { actor, locale, meta: {} }, input);
}

/** The rejection of `p`, so its code and message can be compared (fails the test when `p` succeeds). */
export async function rejectionOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
