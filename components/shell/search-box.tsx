"use client";
import { useEffect, useId, useRef, useState } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Search } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";
import { PreviewDialog } from "@/components/drive/preview-dialog";
import { SearchResultsPanel, useSearchResults, type PanelItem, type SearchFilters } from "@/components/shell/search-results-panel";

/** Typing waits this long before asking the server. */
const DEBOUNCE_MS = 250;

/**
 * Search across the drive; "/" focuses it from anywhere (but not while typing). As you type, a
 * panel shows name matches and matches inside documents (with highlighted snippets); ↑/↓ move,
 * Enter opens the file's preview (a folder opens), Escape closes; Enter with no row chosen opens
 * the full results page.
 */
export function SearchBox() {
  const t = useT();
  const router = useRouter();
  const params = useSearchParams();
  const pathname = usePathname();
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [text, setText] = useState(params.get("q") ?? "");
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [preview, setPreview] = useState<PanelItem | null>(null);
  const currentFolderId = /^\/drive\/([0-9a-f-]{36})/.exec(pathname ?? "")?.[1] ?? null;
  const [filters, setFilters] = useState<SearchFilters>({ kind: null, period: "any", folderId: null });
  const effective = { ...filters, folderId: filters.folderId && filters.folderId === currentFolderId ? filters.folderId : null };
  const results = useSearchResults(open ? query : "", effective);
  const items = [...results.nameItems, ...results.contentItems];

  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  useEffect(() => setActive(-1), [query, filters.kind, filters.period, filters.folderId]);

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

  const openItem = (item: PanelItem) => {
    setOpen(false);
    // Back in the box, Enter starts from no row again (it searches) instead of reopening this one.
    setActive(-1);
    if (item.kind === "FOLDER") router.push(`/drive/${item.id}`);
    else setPreview(item);
  };

  return (
    <>
    <form
      role="search"
      className="relative w-full max-w-xl"
      // Focus moving to the panel's filters keeps it open; anywhere else closes it.
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
      onSubmit={(e) => {
        e.preventDefault();
        const chosen = items[active];
        if (open && chosen) return openItem(chosen);
        const q = text.trim();
        setOpen(false);
        if (q) router.push(`/search?q=${encodeURIComponent(q)}`);
      }}
    >
      <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-zinc-400" />
      <input
        ref={input}
        type="search"
        name="q"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setOpen(true);
            if (!items.length) return;
            const step = e.key === "ArrowDown" ? 1 : -1;
            // -1 (the text itself) is part of the cycle, as in a browser's address bar.
            setActive((a) => (a + step >= items.length ? -1 : a + step < -1 ? items.length - 1 : a + step));
          } else if (e.key === "Escape") {
            setOpen(false);
          }
        }}
        role="combobox"
        aria-expanded={open && !!query}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        placeholder={t("search.placeholder")}
        aria-label={t("search.placeholder")}
        className="block w-full rounded-xl border border-transparent bg-zinc-100 py-2 pl-9 pr-10 text-sm outline-none transition placeholder:text-zinc-500 focus:border-brand-500 focus:bg-white focus:ring-3 focus:ring-brand-500/20 dark:bg-zinc-800 dark:focus:bg-zinc-900"
      />
      <kbd className="pointer-events-none absolute right-3 top-1/2 hidden md:block -translate-y-1/2 rounded border border-zinc-300 px-1.5 text-[10px] text-zinc-500 dark:border-zinc-600">/</kbd>
      {open && query ? (
        <SearchResultsPanel id={listId} results={results} filters={effective} onFilters={setFilters} currentFolderId={currentFolderId} active={active} onOpen={openItem} onHover={setActive} />
      ) : null}
    </form>
    {preview ? <PreviewDialog node={preview} onClose={() => setPreview(null)} /> : null}
    </>
  );
}
