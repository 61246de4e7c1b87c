import { Suspense } from "react";
import { redirect } from "next/navigation";
import { getPageActor } from "@/server/auth/page-auth";
import { getEnv } from "@/server/env";
import { isFirstUser } from "@/server/auth/auth.service";
import { SignInForm } from "@/components/auth/sign-in-form";
import { localizedTitle } from "@/components/i18n/page-title";
import { getSettings } from "@/server/settings/settings.service";

export const generateMetadata = localizedTitle("titles.signIn");

export default async function SignInPage() {
  if (await getPageActor()) redirect("/drive");
  if (await isFirstUser()) redirect("/sign-up");
  return (
    <Suspense>
      <SignInForm signupOpen={(await getSettings()).signupPolicy === "open"} sso={getEnv().oidc ? { name: getEnv().oidc!.name } : null} passwordLogin={getEnv().passwordLogin} />
    </Suspense>
  );
}
