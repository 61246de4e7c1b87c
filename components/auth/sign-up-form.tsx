"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useMutation } from "@tanstack/react-query";
import { AuthCard } from "@/components/auth/auth-card";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc/client";
import { signUpSchema, PASSWORD_MIN } from "@/server/auth/auth.schemas";
import { translateIssue } from "@/server/i18n/issue";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { LanguageSwitch } from "@/components/i18n/language-switch";

type Errors = Partial<Record<"email" | "name" | "password" | "form", string>>;

export function SignUpForm({ isFirstUser }: { isFirstUser: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const t = useT();
  const locale = useLocale();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { email: String(form.get("email")), name: String(form.get("name")), password: String(form.get("password")) };
    // The same schema the server enforces, so mistakes show before a round trip.
    const parsed = signUpSchema.safeParse(input);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= translateIssue(issue.message, locale);
      return setErrors(next);
    }
    setErrors({});
    try {
      await signUp.mutateAsync(parsed.data);
    } catch (err) {
      const data = (err as { data?: { fieldErrors?: Record<string, string> | null } }).data;
      return setErrors({ ...(data?.fieldErrors ?? {}), form: data?.fieldErrors ? undefined : (err as Error).message });
    }
    const res = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
    if (res?.error) return setErrors({ form: (res.error as string) ?? "Sign-in failed" });
    router.replace("/drive");
    router.refresh();
  }

  return (
    <AuthCard
      title={t("auth.createTitle")}
      subtitle={isFirstUser ? t("auth.firstUser") : t("auth.createSubtitle")}
      footer={
        <>
          {t("auth.haveAccount")}{" "}
          <Link href="/sign-in" className="font-medium text-brand-600 hover:underline">
            {t("auth.signIn")}
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field label={t("auth.name")} name="name" autoComplete="name" error={errors.name} required autoFocus />
        <Field label={t("auth.email")} name="email" type="email" autoComplete="email" error={errors.email} required />
        <Field
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="new-password"
          error={errors.password}
          hint={t("auth.passwordHint", { min: PASSWORD_MIN })}
          required
        />
        {errors.form ? (
          <p role="alert" data-testid="form-error" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300">
            {errors.form}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={signUp.isPending}>
          {signUp.isPending ? t("auth.creating") : t("auth.createAccount")}
        </Button>
        <div className="flex justify-center pt-2">
          <LanguageSwitch signedIn={false} />
        </div>
      </form>
    </AuthCard>
  );
}
