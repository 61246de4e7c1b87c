import { describe, expect, it } from "vitest";
import { percentile } from "./measure";

describe("percentile", () => {
  it("takes the nearest rank, whatever the order of the samples", () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 0.5)).toBe(5);
    expect(percentile(xs, 0.9)).toBe(9);
    expect(percentile(xs, 0.99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile(xs, 1)).toBe(10);
    expect(xs[0]).toBe(5); // the input is not sorted in place
  });

  it("answers the only sample for any p, and NaN for none", () => {
    expect(percentile([42], 0.99)).toBe(42);
    expect(percentile([], 0.5)).toBeNaN();
  });
});
