import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { requirePageActor } from "@/server/auth/page-auth";
import { getRequestLocale } from "@/server/i18n/request-locale";
import { translateUi } from "@/components/i18n/translate";
import { AdminNav } from "@/components/admin/admin-nav";
import { localizedTitle } from "@/components/i18n/page-title";

export const dynamic = "force-dynamic";
export const generateMetadata = localizedTitle("titles.admin");

// Not an admin: the page does not exist for them (the procedures answer FORBIDDEN as well).
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor("/admin");
  if (actor.role !== "ADMIN") notFound();
  const locale = await getRequestLocale();
  return (
    <div className="mx-auto max-w-7xl space-y-6 px-4 py-6 md:px-8">
      <h1 className="text-2xl font-semibold">{translateUi(locale, "admin.title")}</h1>
      <AdminNav />
      {children}
    </div>
  );
}
