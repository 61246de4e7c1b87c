import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { auditActionLabel, hasAuditActionLabel } from "@/components/i18n/areas/audit-actions";

/** Every action name the server passes to recordAudit, read from the sources. */
function recordedActions(): string[] {
  const files = readdirSync("server", { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.includes("generated"))
    .map((f) => readFileSync(path.join("server", f), "utf8"));
  const actions = new Set<string>();
  for (const source of files) {
    for (const call of source.matchAll(/recordAudit\(\{([\s\S]{0,1000}?)\}\)/g)) {
      const action = /action: "([^"]+)"/.exec(call[1]!);
      if (action) actions.add(action[1]!);
    }
  }
  return [...actions].sort();
}

test("every audit action the server records has a readable name in English and Chinese", () => {
  const actions = recordedActions();
  // The scan itself works: the tree changes are among them.
  expect(actions).toEqual(expect.arrayContaining(["folder.create", "node.rename", "node.move", "node.copy", "share.drop", "upload.complete"]));
  expect(actions.filter((a) => !hasAuditActionLabel(a))).toEqual([]);
  for (const a of actions) {
    expect(auditActionLabel(a, "en")).not.toBe(a);
    expect(auditActionLabel(a, "zh")).not.toBe(auditActionLabel(a, "en"));
  }
});

test("an action without a name shows its identifier", () => {
  expect(auditActionLabel("node.rename", "zh")).toBe("重命名");
  expect(auditActionLabel("future.thing", "en")).toBe("future.thing");
});
