"use client";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { Languages } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import type { Locale } from "@/server/i18n/messages";

export function setLocaleCookie(locale: Locale) {
  document.cookie = `yp-locale=${locale}; path=/; max-age=${60 * 60 * 24 * 365}; samesite=lax`;
}

/** English / 中文, remembered on this browser (cookie) and on the account (for other devices). */
export function LanguageSwitch({ signedIn = true }: { signedIn?: boolean }) {
  const locale = useLocale();
  const t = useT();
  const router = useRouter();
  const trpc = useTRPC();
  const save = useMutation(trpc.auth.setLocale.mutationOptions());
  const choose = async (next: Locale) => {
    setLocaleCookie(next);
    if (signedIn) await save.mutateAsync({ locale: next }).catch(() => {});
    router.refresh();
  };
  return (
    <div className="flex items-center gap-1 text-xs" role="group" aria-label={t("app.language")}>
      <Languages className="mr-1 size-3.5 text-zinc-400" aria-hidden />
      {(["en", "zh"] as const).map((l) => (
        <button
          key={l}
          onClick={() => void choose(l)}
          aria-pressed={locale === l}
          className="rounded px-1.5 py-0.5 text-zinc-500 hover:bg-zinc-100 aria-pressed:bg-zinc-900 aria-pressed:text-white dark:hover:bg-zinc-800 dark:aria-pressed:bg-zinc-100 dark:aria-pressed:text-zinc-900"
        >
          {l === "en" ? "English" : "中文"}
        </button>
      ))}
    </div>
  );
}
