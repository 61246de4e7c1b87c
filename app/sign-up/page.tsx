import { redirect } from "next/navigation";
import { getPageActor } from "@/server/auth/page-auth";
import { isFirstUser } from "@/server/auth/auth.service";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { localizedTitle } from "@/components/i18n/page-title";
import { getSettings } from "@/server/settings/settings.service";

export const generateMetadata = localizedTitle("titles.signUp");

export default async function SignUpPage() {
  if (await getPageActor()) redirect("/drive");
  const first = await isFirstUser();
  if (!first && (await getSettings()).signupPolicy === "closed") redirect("/sign-in");
  return <SignUpForm isFirstUser={first} />;
}
