"use client";
import { useId } from "react";
import { useBranding } from "@/components/ui/branding";

export function Logo({ className = "", compact = false }: { className?: string; compact?: boolean }) {
  // One gradient id per logo: with a shared id, a logo inside a hidden parent (the desktop
  // sidebar on a phone) holds the only definition and every other logo's mark paints nothing.
  const gradient = `yp-${useId().replace(/[^\w-]/g, "")}`;
  // The site's own logo (Admin → Settings) replaces the mark; the name stays.
  const { logoUrl } = useBranding();
  return (
    <span className={`inline-flex items-center gap-2 font-semibold tracking-tight ${className}`}>
      {logoUrl ? (
        <img src={logoUrl} alt="" className="size-7 shrink-0 rounded-md object-contain" data-testid="site-logo" />
      ) : (
        <svg viewBox="0 0 32 32" className="size-7" aria-hidden>
          <defs>
            <linearGradient id={gradient} x1="0" y1="0" x2="1" y2="1">
              <stop offset="0" stopColor="#60a5fa" />
              <stop offset="1" stopColor="#4f46e5" />
            </linearGradient>
          </defs>
          <rect width="32" height="32" rx="8" fill={`url(#${gradient})`} />
          <path d="M9.5 21.5h13a4 4 0 0 0 .6-7.96A6 6 0 0 0 11.5 12.5a4.5 4.5 0 0 0-2 9Z" fill="white" />
        </svg>
      )}
      <span className={compact ? "hidden whitespace-nowrap sm:inline" : "whitespace-nowrap"}>
        Yunpan <span className="font-normal text-zinc-400">云盘</span>
      </span>
    </span>
  );
}
