"use client";
import { useCallback, useState, type ReactNode } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import clsx from "clsx";
import { LogOut, Menu } from "lucide-react";
import { signOut } from "next-auth/react";
import { useQuery } from "@tanstack/react-query";
import { Logo } from "@/components/ui/logo";
import { useTRPC } from "@/components/trpc/client";
import { formatBytes } from "@/server/i18n/messages";
import { Suspense, useEffect } from "react";
import { SearchBox } from "@/components/shell/search-box";
import { useRouter } from "next/navigation";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { LanguageSwitch, setLocaleCookie } from "@/components/i18n/language-switch";
import type { RouterOutputs } from "@/server/runtime/trpc-router";
import { NotificationBell } from "@/components/notifications/notification-bell";
import { TwoFactorGate } from "@/components/settings/two-factor-gate";
import { adminNavLink, navLinks } from "@/components/shell/nav-links";
import { BottomBar, NavDrawer } from "@/components/shell/mobile-nav";
import { TeamFolderLinks } from "@/components/teams/team-folder-links";

type Me = RouterOutputs["auth"]["me"];

export function AppShell({ me: initialMe, children }: { me: Me; children: ReactNode }) {
  const pathname = usePathname();
  const trpc = useTRPC();
  const { data: me = initialMe } = useQuery({ ...trpc.auth.me.queryOptions(), initialData: initialMe });
  const pct = me.quotaBytes ? Math.min(100, (me.usedBytes / me.quotaBytes) * 100) : null;
  const t = useT();
  const locale = useLocale();
  const router = useRouter();
  const links = me.role === "ADMIN" ? [...navLinks, adminNavLink] : navLinks;
  // A team folder lives under /drive/<id> too, and its trash under /trash/<id>: its sidebar entry
  // is the active one, not My Drive or Trash.
  const { data: teams } = useQuery(trpc.teams.mine.queryOptions());
  const inTeamRoot = teams?.some((x) => pathname === `/drive/${x.rootId}`) ?? false;
  const [drawer, setDrawer] = useState(false);
  const closeDrawer = useCallback(() => setDrawer(false), []);
  // A new browser has no language cookie yet: adopt the account's language once.
  useEffect(() => {
    if (!/(?:^|;\s*)yp-locale=/.test(document.cookie) && (me.locale === "en" || me.locale === "zh") && me.locale !== locale) {
      setLocaleCookie(me.locale);
      router.refresh();
    }
  }, [me.locale, locale, router]);

  const footer = (
    <>
    <div data-testid="storage-usage">
      <div className="mb-1.5 flex justify-between text-xs text-zinc-500">
        <span>{t("app.storage")}</span>
        <span>
          {me.quotaBytes ? t("app.usedOf", { used: formatBytes(me.usedBytes), quota: formatBytes(me.quotaBytes) }) : t("app.used", { used: formatBytes(me.usedBytes) })}
        </span>
      </div>
      <div className="h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
        <div className="h-full rounded-full bg-brand-500" style={{ width: `${pct ?? Math.min(100, me.usedBytes > 0 ? 4 : 0)}%` }} />
      </div>
    </div>
    <LanguageSwitch />
    <div className="flex items-center gap-3 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <div className="flex size-8 shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-sky-400 to-indigo-500 text-sm font-semibold text-white">
        {me.name.slice(0, 1).toUpperCase()}
      </div>
      <div className="min-w-0 flex-1">
        <div className="truncate text-sm font-medium">{me.name}</div>
        <div className="truncate text-xs text-zinc-500">{me.email}</div>
      </div>
      <button
        onClick={() => void signOut({ callbackUrl: "/sign-in" })}
        className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 dark:hover:bg-zinc-800"
        aria-label={t("app.signOut")}
        title={t("app.signOut")}
      >
        <LogOut className="size-4" />
      </button>
    </div>
    </>
  );

  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-60 shrink-0 flex-col border-r border-zinc-200 bg-white px-3 py-4 md:flex dark:border-zinc-800 dark:bg-zinc-900">
        <Link href="/drive" className="px-2">
          <Logo />
        </Link>
        <nav className="mt-6 space-y-1">
          {links.map(({ href, label, icon: Icon }) => (
            <Link
              key={href}
              href={href}
              className={clsx(
                "flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition",
                pathname.startsWith(href) && !(href === "/drive" && inTeamRoot) && !(href === "/trash" && pathname !== "/trash")
                  ? "bg-brand-50 text-brand-700 dark:bg-brand-500/15 dark:text-brand-100"
                  : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800",
              )}
            >
              <Icon className="size-4" />
              {t(label)}
            </Link>
          ))}
        </nav>
        <TeamFolderLinks pathname={pathname} />
        <div className="mt-auto space-y-4 px-2">{footer}</div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center gap-2 border-b border-zinc-200 bg-white px-2 py-2 md:hidden dark:border-zinc-800 dark:bg-zinc-900">
          <button
            onClick={() => setDrawer(true)}
            aria-label={t("mobile.menu")}
            aria-expanded={drawer}
            data-testid="menu-button"
            className="rounded-md p-2 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            <Menu className="size-5" />
          </button>
          <Link href="/drive" className="min-w-0 flex-1">
            <Logo />
          </Link>
          <NotificationBell />
        </header>
        <div className="border-b border-zinc-200 bg-white px-4 pb-3 md:hidden dark:border-zinc-800 dark:bg-zinc-900">
          <Suspense>
            <SearchBox />
          </Suspense>
        </div>
        <div className="sticky top-0 z-30 hidden items-center gap-4 border-b border-zinc-200 bg-zinc-50/90 px-8 py-3 backdrop-blur md:flex dark:border-zinc-800 dark:bg-zinc-950/90">
          <div className="min-w-0 flex-1">
            <Suspense>
              <SearchBox />
            </Suspense>
          </div>
          <NotificationBell />
        </div>
        {/* On a phone the bottom bar covers the last 4 rem: the page ends above it. */}
        <main className="flex-1 pb-[calc(4rem+env(safe-area-inset-bottom))] md:pb-0">{children}</main>
        <TwoFactorGate />
      </div>
      <BottomBar pathname={pathname} />
      <NavDrawer open={drawer} onClose={closeDrawer} pathname={pathname} links={links} footer={footer} />
    </div>
  );
}
