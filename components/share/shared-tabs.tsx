"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import clsx from "clsx";
import { Link2, Users } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";

/** "Shared with me" and "My links", side by side at the top of both pages. */
export function SharedTabs() {
  const t = useT();
  const pathname = usePathname();
  const tabs = [
    { href: "/shared", label: t("sharing.sharedWithMeTitle"), icon: Users, active: pathname === "/shared" },
    { href: "/shared/links", label: t("sharing.myLinksTitle"), icon: Link2, active: pathname.startsWith("/shared/links") },
  ];
  return (
    <div className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map(({ href, label, icon: Icon, active }) => (
        <Link
          key={href}
          href={href}
          aria-current={active ? "page" : undefined}
          className={clsx(
            "-mb-px inline-flex items-center gap-2 border-b-2 px-3 py-2.5 text-sm font-medium transition",
            active ? "border-brand-600 text-brand-700 dark:border-brand-500 dark:text-brand-100" : "border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
          )}
        >
          <Icon className="size-4" /> {label}
        </Link>
      ))}
    </div>
  );
}
