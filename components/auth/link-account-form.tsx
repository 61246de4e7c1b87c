"use client";
import { useState } from "react";
import { signIn } from "next-auth/react";
import { useMutation } from "@tanstack/react-query";
import { Link2 } from "lucide-react";
import { AuthCard } from "@/components/auth/auth-card";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc/client";
import { useT } from "@/components/i18n/i18n-provider";

/** An existing account meets a single sign-on with its email: the owner proves it with the password. */
export function LinkAccountForm({ token, email, providerName }: { token: string; email: string; providerName: string }) {
  const trpc = useTRPC();
  const confirm = useMutation(trpc.security.confirmLink.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const t = useT();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    try {
      await confirm.mutateAsync({ token, password: String(new FormData(e.currentTarget).get("password")) });
      // Linked: the provider's session is still live, so this returns straight to the drive.
      await signIn("oidc", { callbackUrl: "/drive" });
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <AuthCard title={t("security.linkTitle", { provider: providerName })} subtitle={t("security.linkSubtitle", { provider: providerName })} footer={null}>
      <form onSubmit={onSubmit} className="space-y-4" data-testid="link-account">
        <div className="flex items-center gap-3 rounded-xl bg-brand-50 px-3 py-2.5 text-sm text-brand-700 dark:bg-brand-500/10 dark:text-brand-100">
          <Link2 className="size-5 shrink-0" aria-hidden />
          <span className="truncate">{email}</span>
        </div>
        <Field label={t("auth.password")} name="password" type="password" autoComplete="current-password" required autoFocus error={error} />
        <Button type="submit" className="w-full" disabled={confirm.isPending}>
          {t("security.linkConfirm")}
        </Button>
      </form>
    </AuthCard>
  );
}
