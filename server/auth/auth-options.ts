import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordSignOut, signInWithCredentials } from "@/server/auth/auth.service";
import { AppError } from "@/server/errors/app-error";

/**
 * next-auth turns a thrown Error's message into the `error` query; it stays a stable message key.
 * A rate limit carries its wait as `rate.limited:<seconds>`, which the auth route turns into a 429
 * with Retry-After and the sign-in form into a message in the reader's language.
 */
export function signInErrorCode(e: AppError): string {
  return e.key === "rate.limited" && e.retryAfterSeconds ? `rate.limited:${e.retryAfterSeconds}` : e.key;
}

// Sessions are JWTs in an HttpOnly, SameSite=Lax cookie (Secure when BASE_URL is https). The token
// carries the user's session version; request-auth checks it against the database on every request.
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 60 * 60 * 24 * 14 },
  secret: process.env.NEXTAUTH_SECRET,
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { type: "email" }, password: { type: "password" }, code: { type: "text" } },
      async authorize(credentials, req) {
        try {
          const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
          const ip = headers["x-yunpan-client-ip"] ?? null;
          const user = await signInWithCredentials({
            email: credentials?.email ?? "",
            password: credentials?.password ?? "",
            code: credentials?.code || null,
            meta: { ip, userAgent: headers["user-agent"] ?? null },
          });
          return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
        } catch (e) {
          if (e instanceof AppError) throw new Error(signInErrorCode(e));
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
  events: {
    async signOut({ token }) {
      if (typeof token?.uid === "string") await recordSignOut({ userId: token.uid });
    },
  },
};
