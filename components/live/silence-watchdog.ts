/**
 * The server sends a `ping` event every 25 s, so a stream silent for this long is half-dead (a
 * proxy or NAT dropped it without a FIN, a laptop woke from sleep): the tab reopens it from its
 * cursor instead of waiting for TCP to notice, which can take many minutes.
 */
export const STALE_MS = 60_000;

/** Calls `onStale` once after `ms` without `feed()`; `stop()` cancels it. */
export function silenceWatchdog(onStale: () => void, ms = STALE_MS) {
  let timer = setTimeout(onStale, ms);
  return {
    feed() {
      clearTimeout(timer);
      timer = setTimeout(onStale, ms);
    },
    stop() {
      clearTimeout(timer);
    },
  };
}
