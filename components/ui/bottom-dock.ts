"use client";
// The upload panel and the toasts share the bottom of the screen (above the phone's bottom bar).
// The panel publishes its height as --upload-dock on <html>; the toast stack sits that much higher,
// so the two stack instead of covering each other.
import { useCallback } from "react";

const VAR = "--upload-dock";
/** Space kept between the panel and the toasts above it. */
const GAP_PX = 8;

/** A ref for the upload panel: while it is mounted its height (plus a gap) lifts the toasts. */
export function useBottomDockRef() {
  return useCallback((el: HTMLElement | null) => {
    if (!el) return;
    const root = document.documentElement;
    const publish = () => root.style.setProperty(VAR, `${Math.ceil(el.getBoundingClientRect().height) + GAP_PX}px`);
    publish();
    const observer = new ResizeObserver(publish);
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.style.removeProperty(VAR);
    };
  }, []);
}
