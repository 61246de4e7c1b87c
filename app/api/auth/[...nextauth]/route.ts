import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/auth-options";
import { guardAuthPost } from "@/server/account/auth-route";

export const dynamic = "force-dynamic";

const handler = NextAuth(authOptions);

/** Body cap and real statuses for failed sign-ins (429, 503): see guardAuthPost. */
function post(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  // next-auth reads `nextUrl` off the request: the re-read body goes back in a NextRequest.
  return guardAuthPost(req, (inner) => handler(new NextRequest(inner), ctx) as Promise<Response>);
}

export { handler as GET, post as POST };
