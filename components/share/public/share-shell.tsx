"use client";
import type { ReactNode } from "react";
import { Languages } from "lucide-react";
import { useRouter } from "next/navigation";
import { Logo } from "@/components/ui/logo";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { setLocaleCookie } from "@/components/i18n/language-switch";

/** The frame of every public share page: the brand, a language switch, and the content centred. */
export function ShareShell({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const router = useRouter();
  return (
    <div className="flex min-h-screen flex-col bg-gradient-to-b from-white to-zinc-100 dark:from-zinc-950 dark:to-zinc-900">
      <header className="mx-auto flex w-full max-w-5xl items-center justify-between px-4 py-4 sm:px-6">
        <Logo />
        <div className="flex items-center gap-1 text-xs" role="group" aria-label={t("app.language")}>
          <Languages className="mr-1 size-3.5 text-zinc-400" aria-hidden />
          {(["en", "zh"] as const).map((l) => (
            <button
              key={l}
              onClick={() => {
                setLocaleCookie(l);
                router.refresh();
              }}
              aria-pressed={locale === l}
              className="rounded px-1.5 py-0.5 text-zinc-500 hover:bg-zinc-100 aria-pressed:bg-zinc-900 aria-pressed:text-white dark:hover:bg-zinc-800 dark:aria-pressed:bg-zinc-100 dark:aria-pressed:text-zinc-900"
            >
              {l === "en" ? "English" : "中文"}
            </button>
          ))}
        </div>
      </header>
      <main className={`mx-auto w-full flex-1 px-4 pb-10 sm:px-6 ${wide ? "max-w-5xl" : "max-w-xl"}`}>{children}</main>
      <footer className="pb-6 text-center text-xs text-zinc-400">{t("sharing.public.poweredBy")}</footer>
    </div>
  );
}
