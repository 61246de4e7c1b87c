"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { KeyRound, ShieldCheck } from "lucide-react";
import { AuthCard } from "@/components/auth/auth-card";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { translate, messages, type Locale, type MessageKey } from "@/server/i18n/messages";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { LanguageSwitch } from "@/components/i18n/language-switch";

/** next-auth's `error` for a failed sign-in, as a sentence in the reader's language. */
function signInErrorText(error: string | null | undefined, locale: Locale): string {
  const limited = error ? /^rate\.limited:(\d+)$/.exec(error) : null;
  if (limited) return translate("rate.limited", locale, { seconds: Number(limited[1]) });
  const key = (error && error in messages ? error : "auth.invalidCredentials") as MessageKey;
  return translate(key, locale);
}

export function SignInForm({ signupOpen, sso, passwordLogin = true }: { signupOpen: boolean; sso?: { name: string } | null; passwordLogin?: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const t = useT();
  const locale = useLocale();
  // A single sign-on that failed comes back as ?error=<key> (ours) or one of next-auth's codes.
  const [error, setError] = useState<string | null>(() => {
    const e = params.get("error");
    if (!e) return null;
    return e in messages || e.startsWith("rate.limited") ? signInErrorText(e, locale) : t("security.ssoFailed");
  });
  const [showPassword, setShowPassword] = useState(passwordLogin || !sso);
  const [busy, setBusy] = useState(false);
  // After a right password on an account with two-factor on, the same form asks for the code; the
  // password stays in memory only for this second request.
  const [pending, setPending] = useState<{ email: string; password: string } | null>(null);

  async function attempt(credentials: { email: string; password: string; code?: string }) {
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { ...credentials, redirect: false });
    if (!res || res.error) {
      if (res?.error === "totp.required") {
        setPending({ email: credentials.email, password: credentials.password });
      } else {
        setError(signInErrorText(res?.error, locale));
      }
      setBusy(false);
      return;
    }
    const next = params.get("callbackUrl");
    router.replace(next && next.startsWith("/") && !next.startsWith("//") ? next : "/drive");
    router.refresh();
  }

  function onPassword(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    void attempt({ email: String(form.get("email")), password: String(form.get("password")) });
  }

  function onCode(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    void attempt({ ...pending!, code: String(form.get("code")) });
  }

  const alert = error ? (
    <p role="alert" data-testid="form-error" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300">
      {error}
    </p>
  ) : null;

  if (pending) {
    return (
      <AuthCard
        title={t("security.codeTitle")}
        subtitle={t("security.codeSubtitle")}
        footer={
          <button
            type="button"
            className="font-medium text-brand-600 hover:underline"
            onClick={() => {
              setPending(null);
              setError(null);
            }}
          >
            {t("security.back")}
          </button>
        }
      >
        <form onSubmit={onCode} className="space-y-4" data-testid="totp-step">
          <div className="flex items-center gap-3 rounded-xl bg-brand-50 px-3 py-2.5 text-sm text-brand-700 dark:bg-brand-500/10 dark:text-brand-100">
            <ShieldCheck className="size-5 shrink-0" aria-hidden />
            <span className="truncate">{pending.email}</span>
          </div>
          <Field
            key="code"
            label={t("security.codeLabel")}
            name="code"
            autoComplete="one-time-code"
            inputMode="text"
            spellCheck={false}
            autoCapitalize="off"
            required
            autoFocus
            maxLength={20}
            hint={t("security.codeHint")}
          />
          {alert}
          <Button type="submit" className="w-full" disabled={busy}>
            {busy ? t("security.verifying") : t("security.verify")}
          </Button>
        </form>
      </AuthCard>
    );
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
      {sso ? (
        <div className="space-y-4">
          <Button
            type="button"
            variant={passwordLogin ? "secondary" : "primary"}
            className="w-full"
            data-testid="sso-button"
            onClick={() => void signIn("oidc", { callbackUrl: params.get("callbackUrl") ?? "/drive" })}
          >
            <KeyRound className="size-4" aria-hidden />
            {t("security.continueWith", { provider: sso.name })}
          </Button>
          {showPassword ? (
            <div className="flex items-center gap-3 text-xs text-zinc-400">
              <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
              {t("security.or")}
              <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
            </div>
          ) : (
            <>
              {alert}
              <button type="button" onClick={() => setShowPassword(true)} className="block w-full text-center text-sm text-zinc-500 hover:text-zinc-800 hover:underline dark:hover:text-zinc-200">
                {t("security.adminPassword")}
              </button>
            </>
          )}
        </div>
      ) : null}
      {showPassword ? (
        <form onSubmit={onPassword} className={sso ? "mt-4 space-y-4" : "space-y-4"}>
          <Field label={t("auth.email")} name="email" type="email" autoComplete="email" required autoFocus={!sso} />
          <Field label={t("auth.password")} name="password" type="password" autoComplete="current-password" required />
          {alert}
          <Button type="submit" className="w-full" disabled={busy}>
            {busy ? t("auth.signingIn") : t("auth.signIn")}
          </Button>
        </form>
      ) : null}
      <div className="flex justify-center pt-4">
        <LanguageSwitch signedIn={false} />
      </div>
    </AuthCard>
  );
}
