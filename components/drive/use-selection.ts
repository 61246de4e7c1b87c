"use client";
import { useCallback, useMemo, useState } from "react";

/**
 * The drive's selection: click selects one, Ctrl/⌘-click toggles, Shift-click extends from the
 * last clicked row, Ctrl+A selects everything loaded. `ids` is the current order of the rows.
 */
export function useSelection(ids: string[]) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<string | null>(null);

  const click = useCallback(
    (id: string, mods: { shift?: boolean; toggle?: boolean } = {}) => {
      setSelected((prev) => {
        if (mods.shift && anchor) {
          const a = ids.indexOf(anchor);
          const b = ids.indexOf(id);
          if (a >= 0 && b >= 0) {
            const [from, to] = a < b ? [a, b] : [b, a];
            const next = mods.toggle ? new Set(prev) : new Set<string>();
            for (const x of ids.slice(from, to + 1)) next.add(x);
            return next;
          }
        }
        if (mods.toggle) {
          const next = new Set(prev);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        }
        return new Set([id]);
      });
      if (!mods.shift) setAnchor(id);
    },
    [anchor, ids],
  );

  return useMemo(
    () => ({
      selected,
      has: (id: string) => selected.has(id),
      click,
      toggle: (id: string) => click(id, { toggle: true }),
      selectAll: () => setSelected(new Set(ids)),
      clear: () => setSelected(new Set()),
      set: (next: string[]) => setSelected(new Set(next)),
      /** Selected ids in row order (rows not loaded any more are dropped). */
      list: () => ids.filter((id) => selected.has(id)),
    }),
    [selected, click, ids],
  );
}

export type Selection = ReturnType<typeof useSelection>;
