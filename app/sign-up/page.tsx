import { redirect } from "next/navigation";
import { getPageActor } from "@/server/auth/page-auth";
import { getEnv } from "@/server/env";
import { isFirstUser } from "@/server/auth/auth.service";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.signUp");

export default async function SignUpPage() {
  if (await getPageActor()) redirect("/drive");
  const first = await isFirstUser();
  if (!first && getEnv().signup === "closed") redirect("/sign-in");
  return <SignUpForm isFirstUser={first} />;
}
