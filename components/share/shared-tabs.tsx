"use client";
import { usePathname } from "next/navigation";
import { Link2, Users } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";
import { TabNav } from "@/components/ui/tab-nav";

/** "Shared with me" and "My links", side by side at the top of both pages. */
export function SharedTabs() {
  const t = useT();
  const pathname = usePathname();
  return (
    <TabNav
      label={t("sharing.nav")}
      tabs={[
        { href: "/shared", label: t("sharing.sharedWithMeTitle"), icon: Users, active: pathname === "/shared" },
        { href: "/shared/links", label: t("sharing.myLinksTitle"), icon: Link2, active: pathname.startsWith("/shared/links") },
      ]}
    />
  );
}
