"use client";
import { usePathname } from "next/navigation";
import { Plug, ShieldCheck, SlidersHorizontal } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";
import { TabNav } from "@/components/ui/tab-nav";

/** General, Security and Integrations, as tabs under the settings title. */
export function SettingsTabs() {
  const pathname = usePathname();
  const t = useT();
  return (
    <TabNav
      label={t("settings.title")}
      tabs={[
        { href: "/settings", label: t("security.tabGeneral"), icon: SlidersHorizontal, active: pathname === "/settings" },
        { href: "/settings/security", label: t("security.tabSecurity"), icon: ShieldCheck, active: pathname === "/settings/security" },
        { href: "/settings/integrations", label: t("webhooks.tab"), icon: Plug, active: pathname === "/settings/integrations" },
      ]}
    />
  );
}
