"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc/client";
import { useToast } from "@/components/ui/toast";
import { changePasswordSchema, PASSWORD_MIN } from "@/server/auth/auth.schemas";
import { translateIssue } from "@/server/i18n/issue";
import { useLocale, useT } from "@/components/i18n/i18n-provider";

export function ChangePasswordForm({ email }: { email: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = useMutation(trpc.auth.changePassword.mutationOptions());
  const t = useT();
  const locale = useLocale();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const input = { currentPassword: String(form.get("currentPassword")), newPassword: String(form.get("newPassword")) };
    if (input.newPassword !== String(form.get("confirm"))) return setErrors({ confirm: t("settings.mismatch") });
    const parsed = changePasswordSchema.safeParse(input);
    if (!parsed.success) return setErrors({ [String(parsed.error.issues[0]!.path[0])]: translateIssue(parsed.error.issues[0]!.message, locale) });
    setErrors({});
    try {
      await change.mutateAsync(parsed.data);
    } catch (err) {
      return setErrors({ form: (err as Error).message });
    }
    // Changing the password ends every session, this one included: sign straight back in.
    await signIn("credentials", { email, password: parsed.data.newPassword, redirect: false });
    formEl.reset();
    toast("success", t("settings.passwordChanged"));
  }

  return (
    <form onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <Field label={t("settings.currentPassword")} name="currentPassword" type="password" autoComplete="current-password" error={errors.currentPassword} />
      <Field label={t("settings.newPassword")} name="newPassword" type="password" autoComplete="new-password" error={errors.newPassword} hint={t("settings.newPasswordHint", { min: PASSWORD_MIN })} />
      <Field label={t("settings.confirmPassword")} name="confirm" type="password" autoComplete="new-password" error={errors.confirm} />
      {errors.form ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {errors.form}
        </p>
      ) : null}
      <Button type="submit" disabled={change.isPending}>
        {t("settings.changePassword")}
      </Button>
    </form>
  );
}
