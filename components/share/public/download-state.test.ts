import { expect, test } from "vitest";
import { downloadState } from "@/components/share/public/download-state";

test("a used-up link is dimmed and explained before any click", () => {
  expect(downloadState(0, null)).toEqual({ refusal: "exhausted", blocked: true });
});

test("downloads left or no limit: the button is live and nothing is said", () => {
  expect(downloadState(2, null)).toEqual({ refusal: null, blocked: false });
  expect(downloadState(null, null)).toEqual({ refusal: null, blocked: false });
});

test("a refusal the server gave wins; only a failed request keeps the button live", () => {
  expect(downloadState(1, "revoked")).toEqual({ refusal: "revoked", blocked: true });
  expect(downloadState(0, "expired")).toEqual({ refusal: "expired", blocked: true });
  expect(downloadState(1, "failed")).toEqual({ refusal: "failed", blocked: false });
});
