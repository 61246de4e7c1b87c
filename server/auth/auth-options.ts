import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyCredentials } from "@/server/auth/auth.service";
import { AppError } from "@/server/errors/app-error";

// Sessions are JWTs in an HttpOnly, SameSite=Lax cookie (Secure when BASE_URL is https). The token
// carries the user's session version; request-auth checks it against the database on every request.
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 60 * 60 * 24 * 14 },
  secret: process.env.NEXTAUTH_SECRET,
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, req) {
        try {
          const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
          const ip = headers["x-yunpan-client-ip"] ?? null;
          const user = await verifyCredentials({
            email: credentials?.email ?? "",
            password: credentials?.password ?? "",
            meta: { ip, userAgent: headers["user-agent"] ?? null },
          });
          return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
        } catch (e) {
          // next-auth turns a thrown Error's message into the `error` query; keep it a stable key.
          if (e instanceof AppError) throw new Error(e.key);
          throw e;
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.sv = (user as { sv?: number }).sv ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user) (session.user as { id?: string }).id = token.uid as string;
      return session;
    },
  },
};
