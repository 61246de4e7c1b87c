import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { createRootFolder } from "@/server/auth/root-folder";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { signToken, verifyToken } from "@/server/security/signed-token";
import { verifyCredentials } from "@/server/auth/auth.service";
import { displayNameSchema } from "@/server/auth/auth.schemas";
import { applyOidcGroups } from "@/server/groups/groups.service";
import { getSettings } from "@/server/settings/settings.service";

export const OIDC_PROVIDER = "oidc";
const LINK_PURPOSE = "oidc-link";
const LINK_TTL_SECONDS = 600;

export interface OidcIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** The OIDC_GROUPS_CLAIM group names; null or absent when group sync is off or the claim is elsewhere. */
  groups?: string[] | null;
}

export type OidcOutcome =
  | { kind: "signedIn"; userId: string; sessionVersion: number; created: boolean }
  | { kind: "confirmLink"; token: string; email: string };

/**
 * What a successful OpenID Connect sign-in means here: a linked account signs in; a new person
 * gets an account (unless sign-up is closed); an existing account with the same *verified* email
 * is linked only after its owner confirms with their password (a signed, short-lived token carries
 * the identity to that step), so an identity provider alone cannot take over an account.
 */
export async function completeOidcSignIn(input: { identity: OidcIdentity; meta?: RequestMeta }): Promise<OidcOutcome> {
  const { identity } = input;
  const prisma = await getPrisma();
  const linked = await prisma.linkedAccount.findUnique({
    where: { provider_subject: { provider: OIDC_PROVIDER, subject: identity.subject } },
    include: { user: true },
  });
  if (linked) {
    if (linked.user.kind !== "PERSON") throw new AppError("FORBIDDEN", "auth.teamAccount");
    if (linked.user.disabledAt || linked.user.deletionRequestedAt) throw new AppError("FORBIDDEN", "auth.disabled");
    await recordAudit({ actorId: linked.userId, action: "auth.signin.success", targetType: "user", targetId: linked.userId, meta: input.meta, data: { via: "oidc" } });
    if (identity.groups) await applyOidcGroups({ userId: linked.userId, names: identity.groups, meta: input.meta });
    return { kind: "signedIn", userId: linked.userId, sessionVersion: linked.user.sessionVersion, created: false };
  }
  const email = identity.email?.trim().toLowerCase() || null;
  if (!email) throw new AppError("FORBIDDEN", "oidc.noEmail");
  const existing = await prisma.user.findUnique({ where: { email }, include: { scimIdentity: { select: { userId: true } } } });
  if (existing) {
    // A team folder's account is never linked to a person's identity.
    if (existing.kind !== "PERSON") throw new AppError("FORBIDDEN", "auth.teamAccount");
    if (!identity.emailVerified) throw new AppError("FORBIDDEN", "oidc.emailUnverified");
    // An account the company directory provisioned (SCIM) has no password to confirm a link with:
    // the directory made it for this person, so their verified sign-in links it directly.
    if (existing.scimIdentity && existing.passwordHash === null) {
      if (existing.disabledAt || existing.deletionRequestedAt) throw new AppError("FORBIDDEN", "auth.disabled");
      await prisma.linkedAccount.create({ data: { userId: existing.id, provider: OIDC_PROVIDER, subject: identity.subject, email } });
      await recordAudit({ actorId: existing.id, action: "auth.oidc.link", targetType: "user", targetId: existing.id, meta: input.meta, data: { via: "scim" } });
      await recordAudit({ actorId: existing.id, action: "auth.signin.success", targetType: "user", targetId: existing.id, meta: input.meta, data: { via: "oidc" } });
      if (identity.groups) await applyOidcGroups({ userId: existing.id, names: identity.groups, meta: input.meta });
      return { kind: "signedIn", userId: existing.id, sessionVersion: existing.sessionVersion, created: false };
    }
    const token = signToken(LINK_PURPOSE, { sub: identity.subject, email }, LINK_TTL_SECONDS);
    return { kind: "confirmLink", token, email };
  }
  if ((await getSettings()).signupPolicy === "closed") throw new AppError("FORBIDDEN", "auth.signupClosed");
  const name = displayNameSchema.safeParse(identity.name ?? email.split("@")[0]).data ?? email.split("@")[0]!;
  const user = await prisma.$transaction(async (tx) => {
    const created = await tx.user.create({ data: { email, name, passwordHash: null } });
    await createRootFolder(tx, created.id);
    await tx.linkedAccount.create({ data: { userId: created.id, provider: OIDC_PROVIDER, subject: identity.subject, email } });
    return created;
  });
  await recordAudit({ actorId: user.id, action: "user.signup", targetType: "user", targetId: user.id, meta: input.meta, data: { via: "oidc" } });
  if (identity.groups) await applyOidcGroups({ userId: user.id, names: identity.groups, meta: input.meta });
  return { kind: "signedIn", userId: user.id, sessionVersion: user.sessionVersion, created: true };
}

/** The identity waiting for a link, or null when the token is forged or expired. */
export function readLinkToken(token: string): { sub: string; email: string } | null {
  return verifyToken<{ sub: string; email: string }>(LINK_PURPOSE, token);
}

/** The account owner confirms the link with their password; the next single sign-on signs in. */
export async function confirmOidcLink(input: { token: string; password: string; meta?: RequestMeta }): Promise<{ email: string }> {
  const pending = readLinkToken(input.token);
  if (!pending) throw new AppError("BAD_REQUEST", "oidc.linkExpired");
  const user = await verifyCredentials({ email: pending.email, password: input.password, meta: input.meta });
  const prisma = await getPrisma();
  await prisma.linkedAccount.upsert({
    where: { provider_subject: { provider: OIDC_PROVIDER, subject: pending.sub } },
    create: { userId: user.id, provider: OIDC_PROVIDER, subject: pending.sub, email: pending.email },
    update: {},
  });
  await recordAudit({ actorId: user.id, action: "auth.oidc.link", targetType: "user", targetId: user.id, meta: input.meta });
  return { email: pending.email };
}
