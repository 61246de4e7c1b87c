"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { useTRPC } from "@/components/trpc/client";
import { useToast } from "@/components/ui/toast";
import { useT } from "@/components/i18n/i18n-provider";
import { TWO_FACTOR_POLICIES, type TwoFactorPolicy as Policy } from "@/server/auth/totp.schemas";

/** The server-wide two-factor policy, for administrators. */
export function TwoFactorPolicy() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const t = useT();
  const policy = useQuery(trpc.security.policy.queryOptions());
  const save = useMutation(trpc.security.setPolicy.mutationOptions());
  const labels: Record<Policy, string> = { off: t("security.policyOff"), admins: t("security.policyAdmins"), everyone: t("security.policyEveryone") };
  return (
    <div role="radiogroup" aria-label={t("security.policyTitle")} className="grid max-w-2xl gap-2 sm:grid-cols-3">
      {TWO_FACTOR_POLICIES.map((p) => {
        const checked = policy.data === p;
        return (
          <button
            key={p}
            type="button"
            role="radio"
            aria-checked={checked}
            disabled={save.isPending || !policy.data}
            onClick={async () => {
              try {
                await save.mutateAsync({ policy: p });
              } catch (e) {
                // e.g. TWO_FACTOR_POLICY fixes it: the server says so in the reader's language.
                return toast("error", (e as Error).message);
              }
              await queryClient.invalidateQueries({ queryKey: trpc.security.pathKey() });
              toast("success", t("security.policySaved"));
            }}
            className={clsx(
              "rounded-xl border px-3 py-3 text-left text-sm transition",
              checked
                ? "border-brand-500 bg-brand-50 font-medium text-brand-700 ring-3 ring-brand-500/15 dark:bg-brand-500/10 dark:text-brand-100"
                : "border-zinc-200 bg-white hover:border-zinc-300 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-zinc-700",
            )}
          >
            {labels[p]}
          </button>
        );
      })}
    </div>
  );
}
