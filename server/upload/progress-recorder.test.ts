import { describe, expect, it, vi } from "vitest";
import { createProgressRecorder } from "@/server/upload/progress-recorder";

describe("progress recorder", () => {
  it("writes the first offset at once, merges a burst, and always writes the last one", async () => {
    vi.useFakeTimers();
    try {
      const saved: [string, number][] = [];
      const rec = createProgressRecorder({ everyMs: 1000, save: async (id, off) => void saved.push([id, off]) });
      rec.record("a", 8);
      rec.record("a", 16);
      rec.record("a", 24);
      rec.record("b", 5);
      expect(saved).toEqual([["a", 8], ["b", 5]]);
      expect(rec.waiting).toBe(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(saved).toEqual([["a", 8], ["b", 5], ["a", 24]]);
      rec.record("a", 32);
      await vi.advanceTimersByTimeAsync(1000);
      expect(saved.at(-1)).toEqual(["a", 32]);
      await vi.advanceTimersByTimeAsync(5000);
      expect(saved).toHaveLength(4);
      expect(rec.waiting).toBe(0);
      rec.record("a", 40); // a quiet upload writes at once again
      expect(saved.at(-1)).toEqual(["a", 40]);
    } finally {
      vi.useRealTimers();
    }
  });
});
