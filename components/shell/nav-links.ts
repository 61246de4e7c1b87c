import { Clock, HardDrive, Settings, ShieldCheck, Star, Trash2, Users, type LucideIcon } from "lucide-react";
import type { UiKey } from "@/components/i18n/translate";

export interface NavLink {
  href: string;
  label: UiKey;
  icon: LucideIcon;
}

/** Every place of the app, in the sidebar and the phone's drawer. */
export const navLinks: NavLink[] = [
  { href: "/drive", label: "app.myDrive", icon: HardDrive },
  { href: "/shared", label: "sharing.nav", icon: Users },
  { href: "/recent", label: "app.recent", icon: Clock },
  { href: "/starred", label: "app.starred", icon: Star },
  { href: "/trash", label: "app.trash", icon: Trash2 },
  { href: "/settings", label: "app.settings", icon: Settings },
];
// Shown to admins only; the pages and procedures check the role themselves.
export const adminNavLink: NavLink = { href: "/admin", label: "admin.title", icon: ShieldCheck };

/** The phone's bottom bar: the five places used every day, each with a short label. */
export const bottomBarLinks: NavLink[] = [
  { href: "/drive", label: "mobile.drive", icon: HardDrive },
  { href: "/recent", label: "app.recent", icon: Clock },
  { href: "/starred", label: "app.starred", icon: Star },
  { href: "/shared", label: "mobile.shared", icon: Users },
  { href: "/trash", label: "app.trash", icon: Trash2 },
];
