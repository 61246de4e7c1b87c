"use client";
import { useEffect, useRef, type ReactNode } from "react";
import clsx from "clsx";

export interface MenuItem {
  id: string;
  label: string;
  icon: ReactNode;
  danger?: boolean;
  onSelect: () => void;
}

/** A context menu at a point, kept inside the window; Escape or a click elsewhere closes it. */
export function NodeMenu({ at, items, onClose }: { at: { x: number; y: number }; items: MenuItem[]; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key !== "Escape") return;
      if (e instanceof MouseEvent && ref.current?.contains(e.target as Node)) return;
      onClose();
    };
    window.addEventListener("mousedown", close);
    window.addEventListener("keydown", close);
    window.addEventListener("resize", onClose);
    ref.current?.querySelector("button")?.focus();
    return () => {
      window.removeEventListener("mousedown", close);
      window.removeEventListener("keydown", close);
      window.removeEventListener("resize", onClose);
    };
  }, [onClose]);
  const width = 224;
  const height = items.length * 36 + 12;
  const left = Math.min(at.x, window.innerWidth - width - 8);
  const top = Math.min(at.y, window.innerHeight - height - 8);
  return (
    <div
      ref={ref}
      role="menu"
      style={{ left, top, width }}
      className="fixed z-50 rounded-xl border border-zinc-200 bg-white p-1.5 shadow-2xl dark:border-zinc-700 dark:bg-zinc-900"
      onKeyDown={(e) => {
        const buttons = Array.from(ref.current?.querySelectorAll("button") ?? []);
        const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
        if (e.key === "ArrowDown") buttons[(i + 1) % buttons.length]?.focus();
        if (e.key === "ArrowUp") buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
      }}
    >
      {items.map((item) => (
        <button
          key={item.id}
          role="menuitem"
          onClick={() => {
            onClose();
            item.onSelect();
          }}
          className={clsx(
            "flex w-full items-center gap-3 rounded-lg px-3 py-2 text-left text-sm outline-none hover:bg-zinc-100 focus:bg-zinc-100 dark:hover:bg-zinc-800 dark:focus:bg-zinc-800",
            item.danger && "text-red-600 dark:text-red-400",
          )}
        >
          <span className="text-zinc-500 [&>svg]:size-4">{item.icon}</span>
          {item.label}
        </button>
      ))}
    </div>
  );
}
