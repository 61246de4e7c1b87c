"use client";
import Link from "next/link";
import clsx from "clsx";
import { usePathname } from "next/navigation";
import { Activity, LayoutDashboard, Link2, ScrollText, Server, Users } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";

const tabs = [
  { href: "/admin", label: "admin.nav.overview", icon: LayoutDashboard },
  { href: "/admin/users", label: "admin.nav.users", icon: Users },
  { href: "/admin/shares", label: "admin.nav.shares", icon: Link2 },
  { href: "/admin/uploads", label: "admin.nav.uploads", icon: Activity },
  { href: "/admin/audit", label: "admin.nav.audit", icon: ScrollText },
  { href: "/admin/system", label: "admin.nav.system", icon: Server },
] as const;

export function AdminNav() {
  const pathname = usePathname();
  const t = useT();
  return (
    <nav aria-label={t("admin.nav.label")} className="-mx-4 overflow-x-auto px-4 md:mx-0 md:px-0">
      <ul className="flex min-w-max gap-1 border-b border-zinc-200 dark:border-zinc-800">
        {tabs.map(({ href, label, icon: Icon }) => {
          const active = href === "/admin" ? pathname === "/admin" : pathname.startsWith(href);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={clsx(
                  "-mb-px flex items-center gap-2 border-b-2 px-3 py-2.5 text-sm font-medium transition",
                  active
                    ? "border-brand-600 text-brand-700 dark:border-brand-500 dark:text-brand-100"
                    : "border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
                )}
              >
                <Icon className="size-4" />
                {t(label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
