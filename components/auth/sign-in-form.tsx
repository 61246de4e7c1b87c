"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { AuthCard } from "@/components/auth/auth-card";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { translate, messages, type MessageKey } from "@/server/i18n/messages";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { LanguageSwitch } from "@/components/i18n/language-switch";

export function SignInForm({ signupOpen }: { signupOpen: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const t = useT();
  const locale = useLocale();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { email: String(form.get("email")), password: String(form.get("password")), redirect: false });
    if (!res || res.error) {
      const key = (res?.error && res.error in messages ? res.error : "auth.invalidCredentials") as MessageKey;
      setError(translate(key, locale));
      setBusy(false);
      return;
    }
    const next = params.get("callbackUrl");
    router.replace(next && next.startsWith("/") && !next.startsWith("//") ? next : "/drive");
    router.refresh();
  }

  return (
    <AuthCard
      title={t("auth.signIn")}
      subtitle={t("auth.welcomeBack")}
      footer={
        signupOpen ? (
          <>
            {t("auth.newHere")}{" "}
            <Link href="/sign-up" className="font-medium text-brand-600 hover:underline">
              {t("auth.createAccountLink")}
            </Link>
          </>
        ) : (
          t("auth.adminCreatesAccounts")
        )
      }
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <Field label={t("auth.email")} name="email" type="email" autoComplete="email" required autoFocus />
        <Field label={t("auth.password")} name="password" type="password" autoComplete="current-password" required />
        {error ? (
          <p role="alert" data-testid="form-error" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={busy}>
          {busy ? t("auth.signingIn") : t("auth.signIn")}
        </Button>
        <div className="flex justify-center pt-2">
          <LanguageSwitch signedIn={false} />
        </div>
      </form>
    </AuthCard>
  );
}
