"use client";
import { useEffect, useRef } from "react";
import { useRouter, useSearchParams } from "next/navigation";
import { Search } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";

/** Search across the drive; "/" focuses it from anywhere (but not while typing). */
export function SearchBox() {
  const t = useT();
  const router = useRouter();
  const params = useSearchParams();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" || (e.target as HTMLElement).closest("input, textarea, [contenteditable]")) return;
      // The shell has a box for phones and one for wider screens: only the one on screen answers.
      if (!input.current?.offsetParent) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <form
      role="search"
      className="relative w-full max-w-xl"
      onSubmit={(e) => {
        e.preventDefault();
        const q = input.current?.value.trim();
        if (q) router.push(`/search?q=${encodeURIComponent(q)}`);
      }}
    >
      <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-zinc-400" />
      <input
        ref={input}
        type="search"
        name="q"
        defaultValue={params.get("q") ?? ""}
        placeholder={t("search.placeholder")}
        aria-label={t("search.placeholder")}
        className="block w-full rounded-xl border border-transparent bg-zinc-100 py-2 pl-9 pr-10 text-sm outline-none transition placeholder:text-zinc-500 focus:border-brand-500 focus:bg-white focus:ring-3 focus:ring-brand-500/20 dark:bg-zinc-800 dark:focus:bg-zinc-900"
      />
      <kbd className="pointer-events-none absolute right-3 top-1/2 hidden md:block -translate-y-1/2 rounded border border-zinc-300 px-1.5 text-[10px] text-zinc-500 dark:border-zinc-600">/</kbd>
    </form>
  );
}
