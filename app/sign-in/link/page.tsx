import { redirect } from "next/navigation";
import { readLinkToken } from "@/server/auth/oidc.service";
import { getEnv } from "@/server/env";
import { LinkAccountForm } from "@/components/auth/link-account-form";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.linkAccount");
export const dynamic = "force-dynamic";

export default async function LinkAccountPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const pending = token ? readLinkToken(token) : null;
  if (!pending || !token) redirect("/sign-in?error=oidc.linkExpired");
  return <LinkAccountForm token={token} email={pending.email} providerName={getEnv().oidc?.name ?? "SSO"} />;
}
