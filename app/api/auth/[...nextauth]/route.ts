import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/auth-options";
import { guardAuthPost } from "@/server/account/auth-route";

export const dynamic = "force-dynamic";

const handler = NextAuth(authOptions);

/** Body cap and real statuses for failed sign-ins (429, 503): see guardAuthPost. */
function post(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return guardAuthPost(req, (inner) => handler(inner, ctx) as Promise<Response>);
}

export { handler as GET, post as POST };
