import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { recordSignOut, signInWithCredentials } from "@/server/auth/auth.service";
import { completeOidcSignIn, OIDC_PROVIDER } from "@/server/auth/oidc.service";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { toAppError, type AppError } from "@/server/errors/app-error";
import { logger } from "@/server/log/logger";
import { readGroupsClaim } from "@/server/auth/oidc-claims";

/**
 * next-auth turns a thrown Error's message into the `error` query; it stays a stable message key.
 * A rate limit carries its wait as `rate.limited:<seconds>`, which the auth route turns into a 429
 * with Retry-After and the sign-in form into a message in the reader's language.
 */
export function signInErrorCode(e: AppError): string {
  return e.key === "rate.limited" && e.retryAfterSeconds ? `rate.limited:${e.retryAfterSeconds}` : e.key;
}

interface OidcProfile {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  [claim: string]: unknown;
}

let userinfoEndpoint: Promise<string | null> | undefined;

/**
 * The claims a sign-in needs (email, email_verified, name). Conforming providers put only `sub` in
 * the ID token unless asked, so the rest comes from the userinfo endpoint, with the access token.
 */
async function oidcClaims(idClaims: OidcProfile, accessToken: string | undefined, issuer: string, groupsClaim: string | null): Promise<OidcProfile> {
  // A groups claim missing from the ID token may be in userinfo (Keycloak and Okta can put it either place).
  const groupsMissing = groupsClaim !== null && readGroupsClaim(idClaims, groupsClaim)?.length === 0;
  if ((idClaims.email && !groupsMissing) || !accessToken) return idClaims;
  userinfoEndpoint ??= fetch(`${issuer}/.well-known/openid-configuration`)
    .then((r) => r.json() as Promise<{ userinfo_endpoint?: string }>)
    .then((d) => d.userinfo_endpoint ?? null)
    .catch(() => ((userinfoEndpoint = undefined), null));
  const endpoint = await userinfoEndpoint;
  if (!endpoint) return idClaims;
  const res = await fetch(endpoint, { headers: { Authorization: `Bearer ${accessToken}` } });
  if (!res.ok) return idClaims;
  const info = (await res.json()) as OidcProfile;
  // The userinfo answer must be about the same subject as the verified ID token.
  if (info.sub !== idClaims.sub) return idClaims;
  const merged: OidcProfile = { ...info, ...idClaims, name: idClaims.name ?? info.name };
  if (!idClaims.email) {
    merged.email = info.email;
    merged.email_verified = info.email_verified;
  }
  if (groupsMissing && groupsClaim in info) merged[groupsClaim] = info[groupsClaim];
  return merged;
}

/** The OpenID Connect provider when OIDC_ISSUER is set (discovery, ID token, PKCE and state checked). */
function oidcProviders(): OAuthConfig<OidcProfile>[] {
  const oidc = getEnv().oidc;
  if (!oidc) return [];
  return [
    {
      id: OIDC_PROVIDER,
      name: oidc.name,
      type: "oauth",
      wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      async profile(p, tokens) {
        const c = await oidcClaims(p, tokens.access_token, oidc.issuer, oidc.groupsClaim);
        return {
          id: c.sub,
          email: c.email ?? null,
          name: c.name ?? c.preferred_username ?? c.email ?? null,
          emailVerified: c.email_verified === true,
          groups: oidc.groupsClaim ? readGroupsClaim(c, oidc.groupsClaim) : null,
        };
      },
    },
  ];
}

// Sessions are JWTs in an HttpOnly, SameSite=Lax cookie (Secure when BASE_URL is https). The token
// carries the user's session version; request-auth checks it against the database on every request.
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 60 * 60 * 24 * 14 },
  secret: process.env.NEXTAUTH_SECRET,
  pages: { signIn: "/sign-in", error: "/sign-in" },
  // Read when next-auth handles a request, not at import: the configuration (OIDC_*) is loaded by
  // then, and a module that merely imports these options never needs it.
  get providers() {
    return [
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
            // A lost database becomes `db.unavailable` (a 503 from the auth route), never pg's own text.
            const known = toAppError(e);
            if (known) throw new Error(signInErrorCode(known));
            // next-auth would put the error's own text into the redirect URL.
            logger.error({ err: e }, "sign-in failed");
            throw new Error("server.error");
          }
        },
      }),
      ...oidcProviders(),
    ];
  },
  callbacks: {
    /** A single sign-on becomes a Yunpan account here: signed in, created, or sent to confirm a link. */
    async signIn({ user, account }) {
      if (account?.provider !== OIDC_PROVIDER) return true;
      // `user` is what profile() above made of the ID token and userinfo claims.
      const u = user as { email?: string | null; name?: string | null; emailVerified?: boolean; groups?: string[] | null };
      try {
        const outcome = await completeOidcSignIn({
          identity: { subject: account.providerAccountId, email: u.email ?? null, emailVerified: u.emailVerified === true, name: u.name ?? null, groups: u.groups ?? null },
        });
        if (outcome.kind === "confirmLink") return `/sign-in/link?token=${encodeURIComponent(outcome.token)}`;
        return true;
      } catch (e) {
        const known = toAppError(e);
        if (known) return `/sign-in?error=${encodeURIComponent(known.key)}`;
        logger.error({ err: e }, "single sign-on failed");
        return "/sign-in?error=server.error";
      }
    },
    async jwt({ token, user, account }) {
      if (account?.provider === OIDC_PROVIDER) {
        // The provider's subject maps to our account through the link made in signIn above.
        const prisma = await getPrisma();
        const link = await prisma.linkedAccount.findUnique({
          where: { provider_subject: { provider: OIDC_PROVIDER, subject: account.providerAccountId } },
          include: { user: { select: { sessionVersion: true } } },
        });
        if (link) {
          token.uid = link.userId;
          token.sv = link.user.sessionVersion;
        }
        return token;
      }
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
