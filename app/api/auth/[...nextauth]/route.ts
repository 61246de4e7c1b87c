import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/auth-options";

export const dynamic = "force-dynamic";

const handler = NextAuth(authOptions);

/**
 * A rate-limited sign-in answers 429 with Retry-After (next-auth itself would say 401): the form
 * still reads the error from the body, and scripts and proxies see the standard status.
 */
async function post(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const res: Response = await handler(req, ctx);
  if (res.status !== 401 || !res.headers.get("content-type")?.includes("json")) return res;
  const body = (await res.clone().json().catch(() => null)) as { url?: string } | null;
  const error = body?.url ? new URL(body.url, "http://x").searchParams.get("error") : null;
  const m = error ? /^rate\.limited:(\d+)$/.exec(error) : null;
  if (!m) return res;
  const headers = new Headers(res.headers);
  headers.set("Retry-After", m[1]!);
  return new Response(await res.text(), { status: 429, headers });
}

export { handler as GET, post as POST };
