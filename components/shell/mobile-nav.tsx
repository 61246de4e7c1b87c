"use client";
import { useEffect, useId } from "react";
import Link from "next/link";
import clsx from "clsx";
import { X } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";
import { bottomBarLinks, type NavLink } from "@/components/shell/nav-links";
import { Logo } from "@/components/ui/logo";

// /trash/<id> is a team folder's trash, not the caller's own: Trash is active on /trash alone.
const isActive = (pathname: string, href: string) => pathname === href || (href !== "/trash" && pathname.startsWith(`${href}/`));

/** The phone's bottom bar: the everyday places, each an icon with its name under it. */
export function BottomBar({ pathname }: { pathname: string }) {
  const t = useT();
  return (
    <nav
      aria-label={t("mobile.navigation")}
      data-testid="bottom-bar"
      className="fixed inset-x-0 bottom-0 z-40 grid grid-cols-5 border-t border-zinc-200 bg-white/95 pb-[env(safe-area-inset-bottom)] backdrop-blur md:hidden dark:border-zinc-800 dark:bg-zinc-900/95"
    >
      {bottomBarLinks.map(({ href, label, icon: Icon }) => {
        const active = isActive(pathname, href);
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={clsx(
              "flex h-16 flex-col items-center justify-center gap-1 text-[11px] font-medium",
              active ? "text-brand-600 dark:text-brand-100" : "text-zinc-500 dark:text-zinc-400",
            )}
          >
            <span className={clsx("flex h-7 w-12 items-center justify-center rounded-full transition", active && "bg-brand-50 dark:bg-brand-500/20")}>
              <Icon className="size-5" strokeWidth={active ? 2.25 : 1.75} />
            </span>
            <span className="max-w-full truncate px-1">{t(label)}</span>
          </Link>
        );
      })}
    </nav>
  );
}

/**
 * The phone's menu: every place with its name, then storage, language and the account, the same
 * things the desktop sidebar holds.
 */
export function NavDrawer(props: { open: boolean; onClose: () => void; pathname: string; links: NavLink[]; footer: React.ReactNode }) {
  const t = useT();
  const titleId = useId();
  const { open, onClose } = props;
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, onClose]);
  // Mounted only while open, so the account block it repeats from the sidebar exists once at a time.
  if (!open) return null;
  return (
    <div className="fixed inset-0 z-50 md:hidden">
      <div className="absolute inset-0 bg-zinc-950/40" onClick={onClose} />
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="nav-drawer"
        className="absolute inset-y-0 left-0 flex w-[min(20rem,85vw)] animate-[yp-drawer-in_180ms_ease-out] flex-col bg-white px-3 pb-[max(1rem,env(safe-area-inset-bottom))] pt-4 shadow-2xl dark:bg-zinc-900"
      >
        <div className="flex items-center justify-between px-2">
          <Logo />
          <h2 id={titleId} className="sr-only">
            {t("mobile.menu")}
          </h2>
          <button onClick={onClose} aria-label={t("mobile.closeMenu")} className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800">
            <X className="size-5" />
          </button>
        </div>
        <nav className="mt-6 space-y-1">
          {props.links.map(({ href, label, icon: Icon }) => (
            <Link
              key={href}
              href={href}
              onClick={onClose}
              aria-current={isActive(props.pathname, href) ? "page" : undefined}
              className={clsx(
                "flex items-center gap-3 rounded-lg px-3 py-2.5 text-sm font-medium",
                isActive(props.pathname, href) ? "bg-brand-50 text-brand-700 dark:bg-brand-500/15 dark:text-brand-100" : "text-zinc-700 dark:text-zinc-300",
              )}
            >
              <Icon className="size-5" />
              {t(label)}
            </Link>
          ))}
        </nav>
        <div className="mt-auto space-y-4 px-2">{props.footer}</div>
      </div>
    </div>
  );
}
