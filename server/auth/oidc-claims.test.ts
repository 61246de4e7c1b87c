import { expect, test } from "vitest";
import { readGroupsClaim } from "@/server/auth/oidc-claims";

test("a groups claim is read as a list, a single string, a namespaced key or a dotted path", () => {
  expect(readGroupsClaim({ groups: ["Sales", "Ops", 3] }, "groups")).toEqual(["Sales", "Ops"]);
  expect(readGroupsClaim({ groups: "Sales" }, "groups")).toEqual(["Sales"]);
  expect(readGroupsClaim({ "https://example.com/groups": ["A"] }, "https://example.com/groups")).toEqual(["A"]);
  expect(readGroupsClaim({ realm_access: { roles: ["admin", "dev"] } }, "realm_access.roles")).toEqual(["admin", "dev"]);
});

test("an absent claim means no groups, but a claim sent elsewhere (overage) or of a strange shape changes nothing", () => {
  expect(readGroupsClaim({ sub: "x" }, "groups")).toEqual([]);
  expect(readGroupsClaim({ _claim_names: { groups: "src1" } }, "groups")).toBeNull();
  expect(readGroupsClaim({ groups: { a: 1 } }, "groups")).toBeNull();
});
