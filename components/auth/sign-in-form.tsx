"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { AuthCard } from "@/components/auth/auth-card";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { translate, messages, type MessageKey } from "@/server/i18n/messages";
import { clientLocale } from "@/components/i18n/client-locale";

export function SignInForm({ signupOpen }: { signupOpen: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { email: String(form.get("email")), password: String(form.get("password")), redirect: false });
    if (!res || res.error) {
      const key = (res?.error && res.error in messages ? res.error : "auth.invalidCredentials") as MessageKey;
      setError(translate(key, clientLocale()));
      setBusy(false);
      return;
    }
    const next = params.get("callbackUrl");
    router.replace(next && next.startsWith("/") && !next.startsWith("//") ? next : "/drive");
    router.refresh();
  }

  return (
    <AuthCard
      title="Sign in"
      subtitle="Welcome back to your drive."
      footer={
        signupOpen ? (
          <>
            New here?{" "}
            <Link href="/sign-up" className="font-medium text-brand-600 hover:underline">
              Create an account
            </Link>
          </>
        ) : (
          "Accounts on this server are created by an administrator."
        )
      }
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        {error ? (
          <p role="alert" data-testid="form-error" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </AuthCard>
  );
}
