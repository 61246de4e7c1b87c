import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { csvField } from "@/server/admin/admin-audit.service";
import { deleteUserData } from "@/server/admin/admin-users.service";
import { signInWithCredentials } from "@/server/auth/auth.service";
import { getPrisma } from "@/server/db/client";

useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http.close());

test("delete, restore and purge are audited; the log filters by user and action and pages by cursor", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const ann = await createTestUser({ name: "Ann" });
  const file = await createTestFile({ actor: ann.actor, name: "report.pdf" });
  const drive = callerFor(ann.actor).drive;
  await drive.trash({ nodeIds: [file.id] });
  await drive.restore({ nodeIds: [file.id] });
  await drive.trash({ nodeIds: [file.id] });
  await drive.purge({ nodeIds: [file.id] });

  const log = callerFor(admin.actor).admin.audit;
  const mine = await log.list({ user: ann.user.email, limit: 50 });
  expect(mine.items.map((e) => e.action)).toEqual(["node.purge", "node.delete", "node.restore", "node.delete", "upload.complete"]);
  expect(mine.items[0]).toMatchObject({ actor: { id: ann.user.id, email: ann.user.email }, targetId: file.id });
  const deletes = await log.list({ user: ann.user.id, action: "node.delete", limit: 1 });
  expect(deletes.items).toHaveLength(1);
  const next = await log.list({ user: ann.user.id, action: "node.delete", limit: 1, cursor: deletes.nextCursor });
  expect(next.items).toHaveLength(1);
  expect(next.items[0]!.id).not.toBe(deletes.items[0]!.id);
  expect(next.nextCursor).toBeNull();
  const future = await log.list({ user: ann.user.id, from: new Date(Date.now() + 3600_000) });
  expect(future.items).toEqual([]);
  expect(await log.actions()).toEqual(expect.arrayContaining(["node.delete", "node.restore", "node.purge", "upload.complete"]));
});

test("CSV export streams the filtered log to admins only, with formulas neutralised", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const bob = await createTestUser({ name: "=HYPERLINK(\"x\")" });
  await callerFor(admin.actor).admin.users.setQuota({ userId: bob.user.id, quotaBytes: 1234 });
  const { headers: adminAuth } = await createTestToken(admin.actor);
  const { headers: bobAuth } = await createTestToken(bob.actor);
  const url = `${http.baseUrl}/api/admin/audit.csv?action=admin.user.setQuota&user=${encodeURIComponent(admin.user.email)}`;
  expect((await fetch(url)).status).toBe(401);
  expect((await fetch(url, { headers: bobAuth })).status).toBe(403);
  const res = await fetch(url, { headers: adminAuth });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="yunpan-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
  const text = (await res.text()).replace(/^\uFEFF/, "");
  const rows = text.trim().split("\r\n");
  expect(rows[0]).toBe("at,actor_email,actor_id,action,target_type,target_id,ip,user_agent,data");
  expect(rows.slice(1)).toHaveLength(1);
  expect(rows[1]).toContain(`,${admin.user.email},${admin.user.id},admin.user.setQuota,user,${bob.user.id},`);
  expect(csvField("=1+1")).toBe("'=1+1");
  expect(csvField('a,"b"')).toBe('"a,""b"""');
  // The export itself is an admin action on the record.
  const exported = await callerFor(admin.actor).admin.audit.list({ action: "admin.audit.export", user: admin.user.id });
  expect(exported.items).toHaveLength(1);
  expect(exported.items[0]!.ip).toBe("127.0.0.1");
});

test("restoring and deleting a version are audited", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const bo = await createTestUser();
  await createTestFile({ actor: bo.actor, name: "plan.txt", content: "v1" });
  const file = await createTestFile({ actor: bo.actor, name: "plan.txt", content: "v2" });
  const drive = callerFor(bo.actor).drive;
  const [, first] = await drive.versions({ nodeId: file.id });
  await drive.restoreVersion({ nodeId: file.id, versionId: first!.id });
  await drive.deleteVersion({ nodeId: file.id, versionId: first!.id });
  const log = await callerFor(admin.actor).admin.audit.list({ user: bo.user.id, action: "version." });
  expect(log.items.map((e) => e.action)).toEqual(["version.delete", "version.restore"]);
  expect(log.items.every((e) => e.targetId === file.id)).toBe(true);
});

test("the log names the folders and people an event's ids point to, and the root as the root", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const cy = await createTestUser({ name: "Cy" });
  const dee = await createTestUser({ name: "Dee" });
  const drive = callerFor(cy.actor).drive;
  const inbox = await drive.createFolder({ name: "Inbox" });
  const archive = await drive.createFolder({ name: "归档" });
  const file = await createTestFile({ actor: cy.actor, name: "plan.txt", parentId: inbox.id });
  await drive.move({ nodeIds: [file.id], targetId: archive.id });
  await callerFor(cy.actor).share.grant({ nodeId: archive.id, email: dee.user.email, role: "VIEWER" });

  const log = callerFor(admin.actor).admin.audit;
  const [moved] = (await log.list({ user: cy.user.id, action: "node.move" })).items;
  expect(moved!.refs).toEqual({ [inbox.id]: { type: "folder", name: "Inbox" }, [archive.id]: { type: "folder", name: "归档" } });
  const created = (await log.list({ user: cy.user.id, action: "folder.create" })).items.find((e) => e.targetId === inbox.id)!;
  const rootId = (created.data as { parentId: string }).parentId;
  expect(created.refs).toEqual({ [rootId]: { type: "root" } });
  const [granted] = (await log.list({ user: cy.user.id, action: "grant.create" })).items;
  expect(granted!.refs).toEqual({ [dee.user.id]: { type: "user", name: "Dee", email: dee.user.email } });
});

test("rows about a person (sign-ins, account actions) name them, one user query for the page; a deleted account reads as deleted", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const eve = await createTestUser({ name: "Eve" });
  const gus = await createTestUser({ name: "Gus" });
  for (const u of [eve, gus]) await signInWithCredentials({ email: u.user.email, password: u.password });
  await callerFor(admin.actor).admin.users.delete({ userId: gus.user.id, confirmEmail: gus.user.email });
  await deleteUserData({ userId: gus.user.id, removeUpload: async () => {} });

  const userQueries = vi.spyOn((await getPrisma()).user, "findMany");
  const { items } = await callerFor(admin.actor).admin.audit.list({ limit: 50 });
  expect(userQueries).toHaveBeenCalledTimes(1);
  userQueries.mockRestore();
  const about = (id: string, action: string) => items.find((e) => e.targetId === id && e.action === action);
  expect(about(eve.user.id, "auth.signin.success")!.targetUser).toEqual({ type: "user", name: "Eve", email: eve.user.email });
  expect(about(gus.user.id, "auth.signin.success")!.targetUser).toEqual({ type: "deletedUser" });
  expect(about(gus.user.id, "admin.user.deleted")!.targetUser).toEqual({ type: "deletedUser" });
  expect(items.filter((e) => e.targetType !== "user").every((e) => e.targetUser === null)).toBe(true);
});
