"use client";
import { usePathname } from "next/navigation";
import { Activity, FolderKanban, LayoutDashboard, Link2, RefreshCcwDot, ScrollText, Server, SlidersHorizontal, Users, UsersRound, Webhook } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";
import { TabNav } from "@/components/ui/tab-nav";

const tabs = [
  { href: "/admin", label: "admin.nav.overview", icon: LayoutDashboard },
  { href: "/admin/users", label: "admin.nav.users", icon: Users },
  { href: "/admin/groups", label: "groups.nav", icon: UsersRound },
  { href: "/admin/team-folders", label: "teams.nav", icon: FolderKanban },
  { href: "/admin/scim", label: "adminScim.nav", icon: RefreshCcwDot },
  { href: "/admin/shares", label: "admin.nav.shares", icon: Link2 },
  { href: "/admin/uploads", label: "admin.nav.uploads", icon: Activity },
  { href: "/admin/webhooks", label: "webhooks.title", icon: Webhook },
  { href: "/admin/audit", label: "admin.nav.audit", icon: ScrollText },
  { href: "/admin/system", label: "admin.nav.system", icon: Server },
  { href: "/admin/settings", label: "adminSettings.nav", icon: SlidersHorizontal },
] as const;

export function AdminNav() {
  const pathname = usePathname();
  const t = useT();
  return (
    <TabNav
      label={t("admin.nav.label")}
      tabs={tabs.map(({ href, label, icon }) => ({
        href,
        label: t(label),
        icon,
        active: href === "/admin" ? pathname === "/admin" : pathname.startsWith(href),
      }))}
    />
  );
}
