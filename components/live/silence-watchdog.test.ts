import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { silenceWatchdog, STALE_MS } from "@/components/live/silence-watchdog";

describe("silenceWatchdog", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("fires after a minute of silence, not while pings keep arriving", () => {
    const stale = vi.fn();
    const dog = silenceWatchdog(stale);
    // Pings every 25 s for five minutes: never stale.
    for (let i = 0; i < 12; i++) {
      vi.advanceTimersByTime(25_000);
      dog.feed();
    }
    expect(stale).not.toHaveBeenCalled();
    // Then nothing: stale once, a minute after the last ping.
    vi.advanceTimersByTime(STALE_MS - 1);
    expect(stale).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(stale).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * STALE_MS);
    expect(stale).toHaveBeenCalledTimes(1);
  });

  it("stays quiet once stopped", () => {
    const stale = vi.fn();
    silenceWatchdog(stale).stop();
    vi.advanceTimersByTime(10 * STALE_MS);
    expect(stale).not.toHaveBeenCalled();
  });
});
