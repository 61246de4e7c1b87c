import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { uiMessages } from "@/components/i18n/ui-messages";

// The README walks readers through the interface ("Settings → Security → App passwords"): every
// step it names must be a label the English interface really shows, so a renamed tab fails here
// instead of sending a newcomer looking for a page that does not exist.

function leaves(node: unknown, out: Set<string>): Set<string> {
  if (typeof node === "string") out.add(node);
  else if (node && typeof node === "object") for (const value of Object.values(node)) leaves(value, out);
  return out;
}

/**
 * Menu paths of the app itself: chains of "→" that start at one of its top-level places. Prose may
 * follow the last step ("Admin → System lists …"), so it is cut to its longest leading run of
 * words that is a label; a last step with no such run is kept whole, and reported.
 */
function interfacePaths(markdown: string, labels: Set<string>): string[][] {
  const chains = markdown.match(/(?:Settings|Admin|Shared with me)(?: → [A-Z][\w ]*[\w])+/g) ?? [];
  return chains.map((chain) => {
    const steps = chain.split(" → ").map((step) => step.trim());
    const words = steps.pop()!.split(" ");
    const cut = words.map((_, i) => words.slice(0, words.length - i).join(" ")).find((run) => labels.has(run));
    return [...steps, cut ?? words.join(" ")];
  });
}

describe("README names the interface as it is", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const labels = leaves(uiMessages.en, new Set());
  const paths = interfacePaths(readme, labels);

  it("walks through the interface at least where app passwords, security, links and webhooks live", () => {
    const named = paths.map((p) => p.join(" → "));
    expect(named).toEqual(expect.arrayContaining(["Settings → Security → App passwords", "Shared with me → My links", "Settings → Integrations", "Admin → Webhooks"]));
  });

  it("every step of every path is a label the interface shows", () => {
    const missing = paths.flatMap((p) => p.filter((step) => !labels.has(step)).map((step) => `${p.join(" → ")}: "${step}"`));
    expect(missing).toEqual([]);
  });

  it("calls app passwords by one name, never 'API tokens'", () => {
    expect(readme).not.toMatch(/personal api tokens?|api tokens? page/i);
    expect(labels.has("App passwords")).toBe(true);
  });
});
