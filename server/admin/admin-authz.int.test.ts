// Every admin procedure, found by walking the router (so a new one cannot be forgotten), answers
// FORBIDDEN to a signed-in USER and UNAUTHORIZED to nobody, before it looks at its input.
import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestUser } from "@/server/test/factories";
import { appRouter } from "@/server/runtime/trpc-router";
import type { Actor } from "@/server/auth/actor";

useTestDatabase();

const adminPaths = Object.keys(appRouter._def.procedures).filter((p) => p.startsWith("admin.")).sort();

function call(actor: Actor | null, path: string): Promise<unknown> {
  let target: unknown = callerFor(actor);
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  return (target as (input?: unknown) => Promise<unknown>)(undefined);
}

test("the admin router is enumerated in full", () => {
  expect(adminPaths).toEqual(
    expect.arrayContaining(["admin.overview", "admin.users.list", "admin.users.disable", "admin.users.delete", "admin.audit.list", "admin.uploads.abort", "admin.shares.revoke", "admin.system"]),
  );
  expect(adminPaths.length).toBeGreaterThanOrEqual(18);
});

test.each(adminPaths)("%s: FORBIDDEN for a USER, UNAUTHORIZED signed out", async (path) => {
  const { actor } = await createTestUser();
  await expect(call(actor, path)).rejects.toMatchObject({ code: "FORBIDDEN" });
  await expect(call(null, path)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("an admin passes the same gate (the enumeration reaches real procedures)", async () => {
  const { actor } = await createTestUser({ role: "ADMIN" });
  await expect(call(actor, "admin.overview")).resolves.toMatchObject({ users: expect.any(Number) });
  // Input errors come after the role check, so an admin with no input hears BAD_REQUEST.
  await expect(call(actor, "admin.users.disable")).rejects.toMatchObject({ code: "BAD_REQUEST" });
});
