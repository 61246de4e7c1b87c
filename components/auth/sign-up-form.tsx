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
import { clientLocale } from "@/components/i18n/client-locale";

type Errors = Partial<Record<"email" | "name" | "password" | "form", string>>;

export function SignUpForm({ isFirstUser }: { isFirstUser: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { email: String(form.get("email")), name: String(form.get("name")), password: String(form.get("password")) };
    // The same schema the server enforces, so mistakes show before a round trip.
    const parsed = signUpSchema.safeParse(input);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= translateIssue(issue.message, clientLocale());
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
      title="Create your account"
      subtitle={isFirstUser ? "You are the first user: this account will administer the server." : "Store, share and sync your files."}
      footer={
        <>
          Already have an account?{" "}
          <Link href="/sign-in" className="font-medium text-brand-600 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field label="Name" name="name" autoComplete="name" error={errors.name} required autoFocus />
        <Field label="Email" name="email" type="email" autoComplete="email" error={errors.email} required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          error={errors.password}
          hint={`At least ${PASSWORD_MIN} characters. A passphrase is easiest to remember.`}
          required
        />
        {errors.form ? (
          <p role="alert" data-testid="form-error" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300">
            {errors.form}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={signUp.isPending}>
          {signUp.isPending ? "Creating account…" : "Create account"}
        </Button>
      </form>
    </AuthCard>
  );
}
