import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, createTestUser, uniqueEmail } from "@/server/test/factories";
import { rejectionOf } from "@/server/test/rejection";
import { useTestDatabase } from "@/server/test/test-db";
import { runAdminCommand } from "@/server/admin/admin-commands";
import { completeOidcSignIn } from "@/server/auth/oidc.service";
import { addGroupMember, createGroup, listUserGroups } from "@/server/groups/groups.service";
import { AppError } from "@/server/errors/app-error";
import { translateIssue } from "@/server/i18n/issue";
import type { Locale } from "@/server/i18n/messages";
import { ZodError } from "zod";

const t = useTestDatabase();

/** The message a person reading `locale` sees for a refused call (what the tRPC error formatter sends). */
async function messageIn(locale: Locale, p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = (await p.then(
    () => {
      throw new Error("expected the call to fail, but it succeeded");
    },
    (err: unknown) => err,
  )) as { code: string; cause?: unknown };
  if (e.cause instanceof AppError) return { code: e.code, message: e.cause.localized(locale) };
  if (e.cause instanceof ZodError) return { code: e.code, message: translateIssue(e.cause.issues[0]!.message, locale) };
  throw e;
}

const uniqueName = (label: string) => `${label} ${randomUUID().slice(0, 6)}`;

describe("groups (Admin → Groups)", () => {
  it("refuses everything to a non-admin with FORBIDDEN, through tRPC and the service", async () => {
    const { actor } = await createTestUser();
    const admin = await createTestUser({ role: "ADMIN" });
    const group = await callerFor(admin.actor).admin.groups.create({ name: uniqueName("Private") });
    const user = callerFor(actor);
    for (const call of [
      user.admin.groups.list({}),
      user.admin.groups.create({ name: "Mine" }),
      user.admin.groups.rename({ groupId: group.id, name: "Taken over" }),
      user.admin.groups.delete({ groupId: group.id }),
      user.admin.groups.members({ groupId: group.id }),
      user.admin.groups.addMember({ groupId: group.id, userId: actor.userId }),
      createGroup({ actor, name: "Direct" }),
      addGroupMember({ actor, groupId: group.id, userId: actor.userId }),
    ]) {
      expect(await rejectionOf(call)).toEqual({ code: "FORBIDDEN", message: "Only administrators can do this." });
    }
    expect(await t.prisma.group.count({ where: { name: { in: ["Mine", "Direct", "Taken over"] } } })).toBe(0);
    expect(await t.prisma.groupMember.count({ where: { groupId: group.id } })).toBe(0);
  });

  it("creates, lists with member counts and search, renames and deletes, writing an audit row for each", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const api = callerFor(admin.actor).admin.groups;
    const name = uniqueName("Finance");
    const made = await api.create({ name: `  ${name}  ` });
    expect(made).toMatchObject({ name, source: "local", memberCount: 0 });
    const ann = await createTestUser();
    const bob = await createTestUser();
    await api.addMember({ groupId: made.id, userId: ann.user.id });
    await api.addMember({ groupId: made.id, userId: bob.user.id });
    const found = await api.list({ search: name.slice(2).toUpperCase() });
    expect(found.items).toEqual([expect.objectContaining({ id: made.id, name, memberCount: 2 })]);
    expect((await api.list({ search: "no such group at all" })).items).toEqual([]);

    const renamed = await api.rename({ groupId: made.id, name: `${name} EU` });
    expect(renamed).toMatchObject({ id: made.id, name: `${name} EU`, memberCount: 2 });
    const members = await api.members({ groupId: made.id });
    expect(members.members.map((m) => m.email).sort()).toEqual([ann.user.email, bob.user.email].sort());
    expect(members.members.every((m) => m.source === "local")).toBe(true);

    await api.removeMember({ groupId: made.id, userId: bob.user.id });
    expect(await rejectionOf(api.removeMember({ groupId: made.id, userId: bob.user.id }))).toEqual({
      code: "NOT_FOUND",
      message: "This person is not a member of the group.",
    });
    expect(await api.delete({ groupId: made.id })).toEqual({ id: made.id, name: `${name} EU`, membersRemoved: 1 });

    const audit = await t.prisma.auditEvent.findMany({ where: { targetType: "group", targetId: made.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual([
      "group.created",
      "group.member_added",
      "group.member_added",
      "group.renamed",
      "group.member_removed",
      "group.deleted",
    ]);
    expect(audit.every((a) => a.actorId === admin.user.id)).toBe(true);
    expect(audit[3]!.data).toEqual({ from: name, to: `${name} EU` });
    expect(audit[4]!.data).toMatchObject({ userId: bob.user.id, email: bob.user.email });
  });

  it("refuses a name that differs only in case, on create and on rename, with a clear message in both languages", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const name = uniqueName("Sales");
    const first = await callerFor(admin.actor).admin.groups.create({ name });
    expect(await rejectionOf(callerFor(admin.actor).admin.groups.create({ name: name.toUpperCase() }))).toEqual({
      code: "CONFLICT",
      message: `A group named “${name.toUpperCase()}” already exists (names are compared without regard to case).`,
    });
    const other = await callerFor(admin.actor).admin.groups.create({ name: uniqueName("Support") });
    const zh = await messageIn("zh", callerFor(admin.actor, "zh").admin.groups.rename({ groupId: other.id, name: name.toLowerCase() }));
    expect(zh).toEqual({ code: "CONFLICT", message: `已存在名为“${name.toLowerCase()}”的群组（名称不区分大小写）。` });
    // Changing only the case of a group's own name is a rename, not a clash.
    expect(await callerFor(admin.actor).admin.groups.rename({ groupId: first.id, name: name.toUpperCase() })).toMatchObject({ name: name.toUpperCase() });
    expect(await t.prisma.group.count({ where: { nameKey: name.toLowerCase() } })).toBe(1);
  });

  it("checks names: not empty, not too long, no control or text-direction characters", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const api = callerFor(admin.actor).admin.groups;
    expect(await messageIn("en", api.create({ name: "   " }))).toMatchObject({ code: "BAD_REQUEST", message: "Enter a group name." });
    expect(await messageIn("en", api.create({ name: "x".repeat(101) }))).toMatchObject({ code: "BAD_REQUEST", message: "A group name can be at most 100 characters." });
    expect(await messageIn("en", api.create({ name: "tab\there" }))).toMatchObject({ code: "BAD_REQUEST", message: "A group name cannot contain control characters." });
    expect(await messageIn("en", api.create({ name: "evil\u202Egroup" }))).toMatchObject({ code: "BAD_REQUEST", message: "A group name cannot contain invisible text-direction characters." });
    expect(await messageIn("zh", api.create({ name: "" }))).toMatchObject({ code: "BAD_REQUEST", message: "请输入群组名称。" });
    // 100 characters (not bytes) is allowed: Chinese names are not cut short.
    expect(await api.create({ name: "组".repeat(99) + randomUUID().slice(0, 1) })).toMatchObject({ memberCount: 0 });
  });

  it("deleting a group removes its memberships and nothing else", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const api = callerFor(admin.actor).admin.groups;
    const doomed = await api.create({ name: uniqueName("Doomed") });
    const kept = await api.create({ name: uniqueName("Kept") });
    const ann = await createTestUser();
    await api.addMember({ groupId: doomed.id, userId: ann.user.id });
    await api.addMember({ groupId: kept.id, userId: ann.user.id });
    await api.delete({ groupId: doomed.id });
    expect(await t.prisma.groupMember.count({ where: { groupId: doomed.id } })).toBe(0);
    expect(await t.prisma.groupMember.count({ where: { groupId: kept.id, userId: ann.user.id } })).toBe(1);
    expect(await rejectionOf(api.delete({ groupId: doomed.id }))).toEqual({ code: "NOT_FOUND", message: "This group does not exist." });
    expect(await t.prisma.user.count({ where: { id: ann.user.id } })).toBe(1);
  });

  it("adding a member twice changes nothing; unknown people and groups are NOT_FOUND", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const api = callerFor(admin.actor).admin.groups;
    const g = await api.create({ name: uniqueName("Twice") });
    const ann = await createTestUser();
    expect(await api.addMember({ groupId: g.id, userId: ann.user.id })).toEqual({ added: true });
    expect(await api.addMember({ groupId: g.id, userId: ann.user.id })).toEqual({ added: false });
    expect(await t.prisma.auditEvent.count({ where: { action: "group.member_added", targetId: g.id } })).toBe(1);
    expect(await rejectionOf(api.addMember({ groupId: g.id, userId: randomUUID() }))).toEqual({ code: "NOT_FOUND", message: "This account does not exist." });
    expect(await rejectionOf(api.addMember({ groupId: randomUUID(), userId: ann.user.id }))).toEqual({ code: "NOT_FOUND", message: "This group does not exist." });
  });

  it("lists a person's groups for an admin or for that person; another person's id answers like an unknown one", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const ann = await createTestUser();
    const bob = await createTestUser();
    const g = await createGroup({ actor: admin.actor, name: uniqueName("Design") });
    await addGroupMember({ actor: admin.actor, groupId: g.id, userId: ann.user.id });
    expect(await callerFor(admin.actor).admin.groups.ofUser({ userId: ann.user.id })).toEqual([{ id: g.id, name: g.name, source: "local", membership: "local" }]);
    expect(await listUserGroups({ actor: ann.actor, userId: ann.user.id })).toHaveLength(1);
    const other = await rejectionOf(listUserGroups({ actor: bob.actor, userId: ann.user.id }));
    const unknown = await rejectionOf(listUserGroups({ actor: bob.actor, userId: randomUUID() }));
    expect(other).toEqual(unknown);
    expect(other.code).toBe("NOT_FOUND");
  });
});

describe("groups in the admin CLI", () => {
  it("groups create, list, add, members, rename, remove and delete, by name and email", async () => {
    const ann = await createTestUser();
    const name = uniqueName("Ops");
    expect(await runAdminCommand("groups", { _: ["create", name] })).toMatchObject({ name });
    expect(await runAdminCommand("groups", { _: ["add", name.toUpperCase(), ann.user.email] })).toEqual({ group: name, email: ann.user.email, added: true });
    expect(await runAdminCommand("groups", { _: ["list"], search: name })).toEqual([{ name, members: 1, source: "local" }]);
    expect(await runAdminCommand("groups", { _: ["members", name] })).toEqual([{ email: ann.user.email, name: ann.user.name, source: "local" }]);
    expect(await runAdminCommand("groups", { _: ["rename", name, `${name} 2`] })).toMatchObject({ name: `${name} 2` });
    expect(await runAdminCommand("groups", { _: ["remove", `${name} 2`, ann.user.email] })).toEqual({ group: `${name} 2`, email: ann.user.email, removed: true });
    expect(await runAdminCommand("groups", { _: ["delete", `${name} 2`] })).toMatchObject({ name: `${name} 2`, membersRemoved: 0 });
    // The CLI acts as nobody in the audit log, like its other commands.
    const rows = await t.prisma.auditEvent.findMany({ where: { action: { startsWith: "group." }, data: { path: ["name"], equals: name } } });
    expect(rows).toEqual([expect.objectContaining({ action: "group.created", actorId: null })]);
  });

  it("says what went wrong: a duplicate, a missing group, a wrong word count, an unknown person", async () => {
    const name = uniqueName("Dup");
    await runAdminCommand("groups", { _: ["create", name] });
    await expect(runAdminCommand("groups", { _: ["create", name.toLowerCase()] })).rejects.toThrow(/already exists/);
    await expect(runAdminCommand("groups", { _: ["delete", "no such group"] })).rejects.toThrow("This group does not exist.");
    await expect(runAdminCommand("groups", { _: ["add", name] })).rejects.toThrow(/usage: groups list/);
    await expect(runAdminCommand("groups", { _: ["add", name, uniqueEmail("ghost")] })).rejects.toThrow("There is no account with this email.");
    await expect(runAdminCommand("list-users", { _: ["extra"] })).rejects.toThrow(/unexpected argument "extra"/);
  });
});

describe("groups from the single sign-on's groups claim", () => {
  const identity = (groups: string[] | null, subject = randomUUID()) => ({ subject, email: uniqueEmail("sso"), emailVerified: true, name: "Sam", groups });

  it("joins the claimed groups at sign-in (made with source oidc), leaves them when the claim drops them, and keeps an admin's memberships", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const eng = uniqueName("Engineering");
    const ops = uniqueName("Ops");
    const local = await createGroup({ actor: admin.actor, name: uniqueName("Local") });
    const id = identity([eng, ops, "  ", "bad\u202Ename"]);
    const first = await completeOidcSignIn({ identity: id });
    if (first.kind !== "signedIn") throw new Error("expected a sign-in");
    await addGroupMember({ actor: admin.actor, groupId: local.id, userId: first.userId });
    const mine = () => listUserGroups({ actor: admin.actor, userId: first.userId }).then((gs) => gs.map((g) => `${g.name}:${g.source}:${g.membership}`).sort());
    expect(await mine()).toEqual([`${eng}:oidc:oidc`, `${local.name}:local:local`, `${ops}:oidc:oidc`].sort());

    // The next sign-in names Engineering (in another case) and a new group; Ops is dropped.
    await completeOidcSignIn({ identity: { ...id, groups: [eng.toUpperCase(), `${ops} B`] } });
    expect(await mine()).toEqual([`${eng}:oidc:oidc`, `${local.name}:local:local`, `${ops} B:oidc:oidc`].sort());
    // The group itself stays (other people may be in it); only the membership went.
    expect(await t.prisma.group.count({ where: { name: ops } })).toBe(1);
    const removed = await t.prisma.auditEvent.findMany({ where: { action: "group.member_removed", actorId: first.userId } });
    expect(removed.map((r) => (r.data as { group: string }).group)).toEqual([ops]);

    // A claim with no groups removes the claim's memberships, never the admin's.
    await completeOidcSignIn({ identity: { ...id, groups: [] } });
    expect(await mine()).toEqual([`${local.name}:local:local`]);
  });

  it("joins an existing group of the same name, and with sync off (no claim) changes nothing", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const existing = await createGroup({ actor: admin.actor, name: uniqueName("Existing") });
    const id = identity([existing.name.toLowerCase()]);
    const first = await completeOidcSignIn({ identity: id });
    if (first.kind !== "signedIn") throw new Error("expected a sign-in");
    expect(await t.prisma.groupMember.findMany({ where: { userId: first.userId } })).toEqual([expect.objectContaining({ groupId: existing.id, source: "oidc" })]);
    await completeOidcSignIn({ identity: { ...id, groups: null } });
    expect(await t.prisma.groupMember.count({ where: { userId: first.userId } })).toBe(1);
    // An admin adding the same person makes the membership theirs: a later claim without it keeps it.
    await addGroupMember({ actor: admin.actor, groupId: existing.id, userId: first.userId });
    await completeOidcSignIn({ identity: { ...id, groups: [] } });
    expect(await t.prisma.groupMember.findMany({ where: { userId: first.userId } })).toEqual([expect.objectContaining({ groupId: existing.id, source: "local" })]);
  });
});
