"use client";
import { useEffect, useMemo, useRef } from "react";
import type { Selection } from "@/components/drive/use-selection";

// A finger held this long without moving selects, as in the phone's own file apps.
const LONG_PRESS_MS = 500;
const MOVE_TOLERANCE_PX = 10;

interface Press {
  id: string;
  x: number;
  y: number;
  timer: ReturnType<typeof setTimeout> | null;
  held: boolean;
}

/**
 * Touch on the file list: a tap opens (a folder, or a file's preview), a long press selects, and
 * while anything is selected taps add or remove rows. A mouse keeps the desktop rule (click
 * selects, double click opens); the pointer type of the last press decides which one applies.
 */
export function useTouchGestures<N extends { id: string }>(selection: Selection, onOpen: (node: N) => void, onFocus: (id: string) => void) {
  const pointer = useRef("mouse");
  const press = useRef<Press | null>(null);
  // The timer fires after a render may have replaced these.
  const latest = useRef({ selection, onOpen, onFocus });
  latest.current = { selection, onOpen, onFocus };

  useEffect(
    () => () => {
      if (press.current?.timer) clearTimeout(press.current.timer);
    },
    [],
  );

  return useMemo(() => {
    const stopTimer = () => {
      if (press.current?.timer) clearTimeout(press.current.timer);
      if (press.current) press.current.timer = null;
    };
    return {
      handlers: (node: N) => ({
        onPointerDown: (e: React.PointerEvent) => {
          pointer.current = e.pointerType;
          if (e.pointerType !== "touch") return;
          stopTimer();
          const state: Press = { id: node.id, x: e.clientX, y: e.clientY, timer: null, held: false };
          state.timer = setTimeout(() => {
            state.timer = null;
            state.held = true;
            latest.current.onFocus(node.id);
            latest.current.selection.toggle(node.id);
            navigator.vibrate?.(15);
          }, LONG_PRESS_MS);
          press.current = state;
        },
        onPointerMove: (e: React.PointerEvent) => {
          const p = press.current;
          if (e.pointerType === "touch" && p?.timer && Math.hypot(e.clientX - p.x, e.clientY - p.y) > MOVE_TOLERANCE_PX) stopTimer();
        },
        onPointerUp: stopTimer,
        // The browser took the touch over (a scroll): neither a tap nor a long press.
        onPointerCancel: () => {
          stopTimer();
          press.current = null;
        },
      }),
      /** Handles a click that came from a finger; false for a mouse (the caller applies the desktop rule). */
      tapped(node: N): boolean {
        if (pointer.current !== "touch") return false;
        const p = press.current;
        press.current = null;
        if (p?.held && p.id === node.id) return true;
        const { selection: sel } = latest.current;
        if (sel.selected.size > 0) sel.toggle(node.id);
        else latest.current.onOpen(node);
        return true;
      },
      isTouch: () => pointer.current === "touch",
    };
  }, []);
}
