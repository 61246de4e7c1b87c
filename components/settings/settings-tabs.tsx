"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import clsx from "clsx";
import { ShieldCheck, SlidersHorizontal } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";

/** General and Security, as tabs under the settings title. */
export function SettingsTabs() {
  const pathname = usePathname();
  const t = useT();
  const tabs = [
    { href: "/settings", label: t("security.tabGeneral"), icon: SlidersHorizontal },
    { href: "/settings/security", label: t("security.tabSecurity"), icon: ShieldCheck },
  ];
  return (
    <nav className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800" aria-label={t("settings.title")}>
      {tabs.map(({ href, label, icon: Icon }) => {
        const active = pathname === href;
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={clsx(
              "-mb-px inline-flex items-center gap-2 border-b-2 px-3 py-2.5 text-sm font-medium transition",
              active
                ? "border-brand-600 text-brand-700 dark:border-brand-500 dark:text-brand-100"
                : "border-transparent text-zinc-500 hover:border-zinc-300 hover:text-zinc-800 dark:hover:border-zinc-700 dark:hover:text-zinc-200",
            )}
          >
            <Icon className="size-4" aria-hidden />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
