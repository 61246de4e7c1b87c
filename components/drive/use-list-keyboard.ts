"use client";
import { useCallback } from "react";
import type { ListNode } from "@/components/drive/node-list";
import type { Selection } from "@/components/drive/use-selection";

interface Actions {
  open(node: ListNode): void;
  rename(node: ListNode): void;
  trash(nodes: ListNode[]): Promise<void>;
}

/**
 * The file manager's keys: arrows move (Shift extends the selection), Enter opens, F2 renames,
 * Delete moves to the trash, Escape clears, Ctrl/⌘+A selects all.
 */
export function useListKeyboard(o: {
  items: ListNode[];
  selection: Selection;
  focusedId: string | null;
  setFocusedId: (id: string) => void;
  columns: number;
  actions: Actions;
  disabled: boolean;
}) {
  return useCallback(
    (e: React.KeyboardEvent) => {
      if (o.disabled || (e.target as HTMLElement).closest("input, textarea, [role=menu], [role=dialog]")) return;
      const { items, selection } = o;
      if (!items.length) return;
      const index = Math.max(0, items.findIndex((n) => n.id === o.focusedId));
      const focused = items[index]!;
      const go = (delta: number) => {
        e.preventDefault();
        const next = items[Math.min(items.length - 1, Math.max(0, index + delta))]!;
        o.setFocusedId(next.id);
        selection.click(next.id, { shift: e.shiftKey });
        (document.querySelector(`[data-testid=node-row][tabindex="0"]`) as HTMLElement | null)?.focus();
      };
      const chosen = () => (selection.selected.size ? items.filter((n) => selection.has(n.id)) : [focused]);
      switch (e.key) {
        case "ArrowDown":
          return go(o.columns);
        case "ArrowUp":
          return go(-o.columns);
        case "ArrowRight":
          return o.columns > 1 ? go(1) : undefined;
        case "ArrowLeft":
          return o.columns > 1 ? go(-1) : undefined;
        case "Enter":
          e.preventDefault();
          return o.actions.open(focused);
        case "F2":
          e.preventDefault();
          return o.actions.rename(chosen().length === 1 ? chosen()[0]! : focused);
        case "Delete":
        case "Backspace":
          e.preventDefault();
          return void o.actions.trash(chosen()).then(selection.clear);
        case "Escape":
          return selection.clear();
        case "a":
          if (e.ctrlKey || e.metaKey) {
            e.preventDefault();
            selection.selectAll();
          }
      }
    },
    [o],
  );
}
