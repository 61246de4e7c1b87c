import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { cliActor, type Actor } from "@/server/auth/actor";
import { createTeamFolder, setTeamMember } from "@/server/teams/team-folder.service";
import { createGroup, addGroupMember } from "@/server/groups/groups.service";
import type { AppError } from "@/server/errors/app-error";
import { runAdminCommand } from "@/server/admin/admin-commands";
import type { IncomingMessage } from "node:http";
import { verifyCredentials } from "@/server/auth/auth.service";
import { hashPassword } from "@/server/auth/password";
import { authenticateApiToken, createApiToken } from "@/server/auth/api-token.service";
import { completeOidcSignIn } from "@/server/auth/oidc.service";
import { authenticateDav } from "@/server/dav/dav-auth";
import { getScimUser, listScimUsers, patchScimUser } from "@/server/scim/scim.service";

const t = useTestDatabase();
const MiB = 1024 * 1024;

async function teamWith(members: { actor: Actor; email: string; role: "VIEWER" | "EDITOR" | "MANAGER" }[], quotaBytes = 10 * MiB) {
  const team = await createTeamFolder({ actor: cliActor, name: `Team ${randomBytes(3).toString("hex")}`, quotaBytes });
  for (const m of members) await setTeamMember({ actor: cliActor, teamFolderId: team.id, email: m.email, role: m.role });
  return team;
}

async function person(role: "USER" | "ADMIN" = "USER") {
  const { user, actor } = await createTestUser({ role });
  return { user, actor, email: user.email };
}

test("10 concurrent uploads into a 10 MiB team folder stop exactly at its quota; the uploader's own quota is untouched", async () => {
  const editor = await person();
  await t.prisma.user.update({ where: { id: editor.user.id }, data: { quotaBytes: BigInt(MiB) } });
  const team = await teamWith([{ ...editor, role: "EDITOR" }]);
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => createTestFile({ actor: editor.actor, name: `p${i}.bin`, parentId: team.rootId, content: randomBytes(2 * MiB) })),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(refused).toHaveLength(5);
  for (const r of refused) {
    expect(r.reason).toMatchObject({ code: "PAYLOAD_TOO_LARGE", key: "team.quotaFull" });
    expect((r.reason as Error).message).toMatch(/^Team folder quota full: .* of 10\.0 MiB used/);
    expect((r.reason as AppError).localized("zh")).toMatch(/^团队文件夹空间已满/);
  }
  const account = await t.prisma.teamFolder.findUniqueOrThrow({ where: { id: team.id }, include: { account: true } });
  expect(account.account.usedBytes).toBe(BigInt(10 * MiB));
  const me = await t.prisma.user.findUniqueOrThrow({ where: { id: editor.user.id } });
  expect(me.usedBytes).toBe(0n);
  const mine = await callerFor(editor.actor).teams.mine();
  expect(mine).toEqual([expect.objectContaining({ id: team.id, role: "EDITOR", usedBytes: 10 * MiB, quotaBytes: 10 * MiB })]);
});

test("roles: a viewer reads but cannot write, an editor writes, a stranger sees nothing", async () => {
  const [viewer, editor, stranger] = [await person(), await person(), await person()];
  const team = await teamWith([{ ...viewer, role: "VIEWER" }, { ...editor, role: "EDITOR" }]);
  const file = await createTestFile({ actor: editor.actor, name: "plan.txt", parentId: team.rootId, content: "v1" });

  const listing = await callerFor(viewer.actor).drive.list({ folderId: team.rootId });
  expect(listing.items.map((i) => i.name)).toEqual(["plan.txt"]);
  expect(listing.breadcrumbs).toEqual([{ id: team.rootId, name: team.name, isRoot: false }]);
  await expect(createTestFile({ actor: viewer.actor, name: "no.txt", parentId: team.rootId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  await expect(callerFor(viewer.actor).drive.rename({ nodeId: file.id, name: "x.txt" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  await expect(callerFor(viewer.actor).drive.trash({ nodeIds: [file.id] })).rejects.toMatchObject({ code: "NOT_FOUND" });

  await callerFor(editor.actor).drive.rename({ nodeId: file.id, name: "plan-2.txt" });
  await callerFor(editor.actor).drive.createFolder({ parentId: team.rootId, name: "Specs" });

  await expect(callerFor(stranger.actor).drive.list({ folderId: team.rootId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  await expect(callerFor(stranger.actor).teams.members({ teamFolderId: team.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  expect(await callerFor(stranger.actor).teams.mine()).toEqual([]);
  // A team folder is not something "shared with me".
  expect(await callerFor(editor.actor).share.sharedWithMe()).toEqual([]);
});

test("a folder listing tells the caller what they may do there: viewers read only, only owners and managers share, a group's stronger role wins, grants count", async () => {
  const [viewer, editor, grouped, owner] = [await person(), await person(), await person(), await person()];
  const team = await teamWith([{ ...viewer, role: "VIEWER" }, { ...editor, role: "EDITOR" }, { ...grouped, role: "VIEWER" }]);
  const group = await createGroup({ actor: cliActor, name: `Editors ${randomBytes(3).toString("hex")}` });
  await addGroupMember({ actor: cliActor, groupId: group.id, userId: grouped.user.id });
  await setTeamMember({ actor: cliActor, teamFolderId: team.id, groupId: group.id, role: "MANAGER" });
  const sub = await callerFor(editor.actor).drive.createFolder({ parentId: team.rootId, name: "Specs" });

  const capability = async (who: { actor: Actor }, folderId: string | null) => (await callerFor(who.actor).drive.list({ folderId })).capability;
  expect(await capability(viewer, team.rootId)).toEqual({ canWrite: false, canShare: false, teamFolder: { id: team.id, role: "VIEWER" } });
  expect(await capability(viewer, sub.id)).toEqual({ canWrite: false, canShare: false, teamFolder: { id: team.id, role: "VIEWER" } });
  expect(await capability(editor, sub.id)).toEqual({ canWrite: true, canShare: false, teamFolder: { id: team.id, role: "EDITOR" } });
  expect(await capability(grouped, team.rootId)).toEqual({ canWrite: true, canShare: true, teamFolder: { id: team.id, role: "MANAGER" } });
  expect(await capability(viewer, null)).toEqual({ canWrite: true, canShare: true, teamFolder: null });

  // A folder shared with a person: a viewer grant reads only, an editor grant writes, also below it.
  const shared = await callerFor(owner.actor).drive.createFolder({ name: "Shared" });
  const inner = await callerFor(owner.actor).drive.createFolder({ parentId: shared.id, name: "Inner" });
  await callerFor(owner.actor).share.grant({ nodeId: shared.id, email: viewer.email, role: "VIEWER" });
  await callerFor(owner.actor).share.grant({ nodeId: shared.id, email: editor.email, role: "EDITOR" });
  expect(await capability(viewer, inner.id)).toEqual({ canWrite: false, canShare: false, teamFolder: null });
  expect(await capability(editor, inner.id)).toEqual({ canWrite: true, canShare: false, teamFolder: null });
  expect(await capability(owner, shared.id)).toEqual({ canWrite: true, canShare: true, teamFolder: null });
  // The answer matches the server's own check: the viewer's write is refused, the editor's is not.
  await expect(callerFor(viewer.actor).drive.createFolder({ parentId: inner.id, name: "No" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  await callerFor(editor.actor).drive.createFolder({ parentId: inner.id, name: "Yes" });
  await callerFor(grouped.actor).drive.createFolder({ parentId: team.rootId, name: "By a manager" });
  // canShare matches the share services: an editor's link or grant is refused, a manager's link is made.
  await expect(callerFor(editor.actor).share.createLink({ nodeId: sub.id, permission: "VIEW" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  await expect(callerFor(editor.actor).share.grant({ nodeId: inner.id, email: viewer.email, role: "VIEWER" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  await callerFor(grouped.actor).share.createLink({ nodeId: sub.id, permission: "VIEW" });
});

test("search, recent and starred items carry what the caller may do to each, the same answer their folder's listing gives", async () => {
  const [viewer, editor, grouped, owner] = [await person(), await person(), await person(), await person()];
  const team = await teamWith([{ ...viewer, role: "VIEWER" }, { ...editor, role: "EDITOR" }, { ...grouped, role: "VIEWER" }]);
  const group = await createGroup({ actor: cliActor, name: `Managers ${randomBytes(3).toString("hex")}` });
  await addGroupMember({ actor: cliActor, groupId: group.id, userId: grouped.user.id });
  await setTeamMember({ actor: cliActor, teamFolderId: team.id, groupId: group.id, role: "MANAGER" });
  const word = `quince${randomBytes(3).toString("hex")}`;
  const teamFile = await createTestFile({ actor: editor.actor, name: `${word}-team.txt`, parentId: team.rootId, content: "t" });
  const shared = await callerFor(owner.actor).drive.createFolder({ name: "Shared" });
  const inner = await callerFor(owner.actor).drive.createFolder({ parentId: shared.id, name: "Inner" });
  const sharedFile = await createTestFile({ actor: owner.actor, name: `${word}-shared.txt`, parentId: inner.id, content: "s" });
  await callerFor(owner.actor).share.grant({ nodeId: shared.id, email: viewer.email, role: "VIEWER" });
  await callerFor(owner.actor).share.grant({ nodeId: shared.id, email: editor.email, role: "EDITOR" });
  const own = await createTestFile({ actor: viewer.actor, name: `${word}-own.txt`, content: "o" });

  const listed = async (who: { actor: Actor }, folderId: string) => {
    const { canWrite, canShare } = (await callerFor(who.actor).drive.list({ folderId })).capability;
    return { canWrite, canShare };
  };
  const accessIn = (items: { id: string; access: unknown }[]) => Object.fromEntries(items.map((i) => [i.id, i.access]));
  const views = async (who: { actor: Actor }) => {
    const api = callerFor(who.actor).drive;
    for (const id of [teamFile.id, sharedFile.id]) await api.star({ nodeId: id }).catch(() => {});
    return {
      search: accessIn((await api.search({ query: word })).items),
      inFolder: accessIn((await api.search({ query: word, folderId: team.rootId })).items),
      recent: accessIn((await api.recent({})).items),
      starred: accessIn((await api.starred({})).items),
    };
  };

  const v = await views(viewer);
  expect(v.search).toEqual({ [teamFile.id]: await listed(viewer, team.rootId), [sharedFile.id]: await listed(viewer, inner.id), [own.id]: { canWrite: true, canShare: true } });
  expect(v.search[teamFile.id]).toEqual({ canWrite: false, canShare: false });
  expect(v.search[sharedFile.id]).toEqual({ canWrite: false, canShare: false });
  expect(v.inFolder).toEqual({ [teamFile.id]: { canWrite: false, canShare: false } });
  expect(v.recent).toEqual({ [teamFile.id]: { canWrite: false, canShare: false }, [own.id]: { canWrite: true, canShare: true } });
  expect(v.starred).toEqual({ [teamFile.id]: { canWrite: false, canShare: false }, [sharedFile.id]: { canWrite: false, canShare: false } });

  const e = await views(editor);
  expect(e.search).toEqual({ [teamFile.id]: { canWrite: true, canShare: false }, [sharedFile.id]: { canWrite: true, canShare: false } });
  expect(e.search[sharedFile.id]).toEqual(await listed(editor, inner.id));
  expect(e.starred).toEqual(e.search);

  // A group's MANAGER role beats the person's own VIEWER role, here as in the folder.
  const g = await views(grouped);
  expect(g.search).toEqual({ [teamFile.id]: { canWrite: true, canShare: true } });
  expect(g.search[teamFile.id]).toEqual(await listed(grouped, team.rootId));
  expect(g.recent).toEqual(g.search);

  // Access is read with each listing: the editor's grant revoked, the shared file leaves their lists.
  await t.prisma.grant.deleteMany({ where: { nodeId: shared.id, granteeId: editor.user.id } });
  expect(Object.keys((await views(editor)).starred)).toEqual([teamFile.id]);
});

test("managers add and remove members and make share links; editors cannot", async () => {
  const [manager, editor, newcomer] = [await person(), await person(), await person()];
  const team = await teamWith([{ ...manager, role: "MANAGER" }, { ...editor, role: "EDITOR" }]);
  const folder = await callerFor(editor.actor).drive.createFolder({ parentId: team.rootId, name: "Public" });

  await expect(callerFor(editor.actor).teams.setMember({ teamFolderId: team.id, email: newcomer.email, role: "VIEWER" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  await expect(callerFor(editor.actor).share.createLink({ nodeId: folder.id, permission: "DOWNLOAD" })).rejects.toMatchObject({ code: "NOT_FOUND" });

  const added = await callerFor(manager.actor).teams.setMember({ teamFolderId: team.id, email: newcomer.email, role: "VIEWER" });
  expect((await callerFor(newcomer.actor).teams.mine()).map((m) => m.role)).toEqual(["VIEWER"]);
  const link = await callerFor(manager.actor).share.createLink({ nodeId: folder.id, permission: "DOWNLOAD" });
  expect(link.url).toContain("/s/");

  await callerFor(manager.actor).teams.removeMember({ teamFolderId: team.id, memberId: added.id });
  expect(await callerFor(newcomer.actor).teams.mine()).toEqual([]);
  await expect(callerFor(newcomer.actor).drive.list({ folderId: team.rootId })).rejects.toMatchObject({ code: "NOT_FOUND" });

  const audit = await t.prisma.auditEvent.findMany({ where: { targetId: team.id }, orderBy: { at: "asc" } });
  expect(audit.map((a) => [a.action, a.actorId])).toEqual([
    ["team.create", null],
    ["team.member.add", null],
    ["team.member.add", null],
    ["team.member.add", manager.user.id],
    ["team.member.remove", manager.user.id],
  ]);
});

test("a group's members get the group's role", async () => {
  const member = await person();
  const group = await createGroup({ actor: cliActor, name: `Sales ${randomBytes(3).toString("hex")}` });
  await addGroupMember({ actor: cliActor, groupId: group.id, userId: member.user.id });
  const team = await createTeamFolder({ actor: cliActor, name: `Team ${randomBytes(3).toString("hex")}`, quotaBytes: MiB });
  await setTeamMember({ actor: cliActor, teamFolderId: team.id, groupId: group.id, role: "EDITOR" });
  expect((await callerFor(member.actor).teams.mine()).map((m) => [m.id, m.role])).toEqual([[team.id, "EDITOR"]]);
  await createTestFile({ actor: member.actor, name: "from-group.txt", parentId: team.rootId });
});

test("files belong to the team folder: disabling the uploader leaves them, versions keep the uploader", async () => {
  const admin = await person("ADMIN");
  const [uploader, colleague] = [await person(), await person()];
  const team = await teamWith([{ ...uploader, role: "EDITOR" }, { ...colleague, role: "VIEWER" }]);
  const file = await createTestFile({ actor: uploader.actor, name: "report.pdf", parentId: team.rootId, content: "pdf" });

  await callerFor(admin.actor).admin.users.disable({ userId: uploader.user.id });
  const listing = await callerFor(colleague.actor).drive.list({ folderId: team.rootId });
  expect(listing.items.map((i) => i.name)).toEqual(["report.pdf"]);
  const versions = await callerFor(colleague.actor).drive.versions({ nodeId: file.id });
  expect(versions[0]).toMatchObject({ number: 1 });
  const row = await t.prisma.fileVersion.findFirstOrThrow({ where: { nodeId: file.id } });
  expect(row.createdById).toBe(uploader.user.id);
  const node = await t.prisma.node.findUniqueOrThrow({ where: { id: file.id } });
  expect(node.ownerId).not.toBe(uploader.user.id);
  // The TEAM account never shows among the people an admin manages.
  const users = await callerFor(admin.actor).admin.users.list({ search: team.name });
  expect(users.items).toEqual([]);
});

test("the team folder's trash: editors list, restore and empty it; viewers cannot see it", async () => {
  const [editor, viewer] = [await person(), await person()];
  const team = await teamWith([{ ...editor, role: "EDITOR" }, { ...viewer, role: "VIEWER" }]);
  const file = await createTestFile({ actor: editor.actor, name: "old.txt", parentId: team.rootId });
  await callerFor(editor.actor).drive.trash({ nodeIds: [file.id] });
  expect((await callerFor(editor.actor).drive.listTrash({})).items).toEqual([]);
  const trash = await callerFor(editor.actor).drive.listTrash({ teamFolderId: team.id });
  expect(trash.items.map((i) => i.name)).toEqual(["old.txt"]);
  await expect(callerFor(viewer.actor).drive.listTrash({ teamFolderId: team.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  await callerFor(editor.actor).drive.restore({ nodeIds: [file.id] });
  expect((await callerFor(viewer.actor).drive.list({ folderId: team.rootId })).items.map((i) => i.name)).toEqual(["old.txt"]);
  await callerFor(editor.actor).drive.trash({ nodeIds: [file.id] });
  expect(await callerFor(editor.actor).drive.emptyTrash({ teamFolderId: team.id })).toMatchObject({ purged: 1 });
});

test("admin-only: people cannot create team folders; names are unique", async () => {
  const user = await person();
  await expect(callerFor(user.actor).teams.create({ name: "Mine", quotaBytes: MiB })).rejects.toMatchObject({ code: "FORBIDDEN" });
  const admin = await person("ADMIN");
  const name = `Legal ${randomBytes(3).toString("hex")}`;
  await callerFor(admin.actor).teams.create({ name, quotaBytes: MiB });
  const again = (await createTeamFolder({ actor: admin.actor, name: name.toUpperCase(), quotaBytes: MiB }).catch((e: unknown) => e)) as AppError;
  expect(again).toMatchObject({ code: "CONFLICT", key: "team.nameTaken" });
  expect(again.localized("zh")).toBe(`已存在名为“${name.toUpperCase()}”的团队文件夹。`);
});

test("members find team files in search and Recent, with the team folder's name as the path", async () => {
  const [editor, viewer, stranger] = [await person(), await person(), await person()];
  const team = await teamWith([{ ...editor, role: "EDITOR" }, { ...viewer, role: "VIEWER" }]);
  const folder = await callerFor(editor.actor).drive.createFolder({ parentId: team.rootId, name: "Budgets" });
  await createTestFile({ actor: editor.actor, name: "budget-2027.xlsx", parentId: folder.id });

  const hits = await callerFor(viewer.actor).drive.search({ query: "budget-2027" });
  expect(hits.items.map((h) => [h.name, h.path.map((c) => c.name)])).toEqual([["budget-2027.xlsx", [team.name, "Budgets"]]]);
  const recent = await callerFor(viewer.actor).drive.recent({});
  expect(recent.items.map((h) => h.name)).toEqual(["budget-2027.xlsx"]);
  expect((await callerFor(stranger.actor).drive.search({ query: "budget-2027" })).items).toEqual([]);
  expect((await callerFor(stranger.actor).drive.recent({})).items).toEqual([]);
});

test("the admin CLI creates a team folder, sizes it and manages its members", async () => {
  const member = await person();
  const name = `CLI ${randomBytes(3).toString("hex")}`;
  await runAdminCommand("team-folders", { _: ["create", name, "10MiB"] });
  await runAdminCommand("team-folders", { _: ["add", name, member.email, "editor"] });
  expect(await runAdminCommand("team-folders", { _: ["members", name] })).toEqual([{ member: member.email, role: "EDITOR" }]);
  expect(await runAdminCommand("team-folders", { _: ["quota", name.toLowerCase(), "1GiB"] })).toMatchObject({ quotaBytes: 1024 ** 3 });
  expect((await callerFor(member.actor).teams.mine()).map((m) => m.name)).toEqual([name]);
  await runAdminCommand("team-folders", { _: ["remove", name, member.email] });
  expect(await callerFor(member.actor).teams.mine()).toEqual([]);
  await expect(runAdminCommand("team-folders", { _: ["create", "Bad", "ten"] })).rejects.toThrow("not a size: ten");
});

test("the change feed carries a team folder's changes to its members, not to others", async () => {
  const [editor, viewer, stranger] = [await person(), await person(), await person()];
  const team = await teamWith([{ ...editor, role: "EDITOR" }, { ...viewer, role: "VIEWER" }]);
  const from = {
    viewer: (await callerFor(viewer.actor).changes.list({ cursor: "0", limit: 1000 })).cursor,
    stranger: (await callerFor(stranger.actor).changes.list({ cursor: "0", limit: 1000 })).cursor,
  };
  await createTestFile({ actor: editor.actor, name: "minutes.md", parentId: team.rootId });
  const seen = await callerFor(viewer.actor).changes.list({ cursor: from.viewer });
  expect(seen.changes.map((c) => c.newName)).toContain("minutes.md");
  const unseen = await callerFor(stranger.actor).changes.list({ cursor: from.stranger });
  expect(unseen.changes.map((c) => c.newName)).not.toContain("minutes.md");
});

test("a team folder's account never signs in (password, OIDC, API tokens, app passwords, WebDAV) and SCIM does not see it", async () => {
  const team = await teamWith([]);
  const { account } = await t.prisma.teamFolder.findUniqueOrThrow({ where: { id: team.id }, include: { account: true } });
  expect(account.email).toMatch(/\.invalid$/);
  // Even with a password and a token on it (written by hand: nothing in the product makes them).
  const password = "a password nobody should have";
  await t.prisma.user.update({ where: { id: account.id }, data: { passwordHash: await hashPassword(password) } });
  const { token } = await createApiToken({ actor: { userId: account.id, role: "USER", via: "cli" }, name: "stray" });

  const refused = (await verifyCredentials({ email: account.email, password }).catch((e: unknown) => e)) as AppError;
  expect(refused).toMatchObject({ code: "FORBIDDEN", key: "auth.teamAccount" });
  expect(refused.message).toMatch(/team folder's account/);
  expect(refused.localized("zh")).toMatch(/^这是团队文件夹的账号/);
  await expect(completeOidcSignIn({ identity: { subject: `sub-${team.id}`, email: account.email, emailVerified: true, name: null } })).rejects.toMatchObject({
    code: "FORBIDDEN",
    key: "auth.teamAccount",
  });
  expect(await authenticateApiToken(token)).toBeNull();
  const dav = (secret: string) =>
    authenticateDav({ headers: { authorization: `Basic ${Buffer.from(`${account.email}:${secret}`).toString("base64")}` }, socket: { remoteAddress: "127.0.0.1" } } as unknown as IncomingMessage);
  expect(await dav(token)).toBeNull();
  expect(await dav(password)).toBeNull();
  // The company directory (SCIM) neither finds it nor can disable it.
  expect(await listScimUsers({ filter: `userName eq "${account.email}"` })).toMatchObject({ totalResults: 0 });
  await expect(getScimUser(account.id)).rejects.toMatchObject({ status: 404 });
  const deactivate = { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "active", value: false }] };
  await expect(patchScimUser(account.id, deactivate)).rejects.toMatchObject({ status: 404 });
  expect((await t.prisma.user.findUniqueOrThrow({ where: { id: account.id } })).disabledAt).toBeNull();
  // A person's token still works: the refusal is about the kind of account only.
  const somebody = await person();
  expect(await authenticateApiToken((await createApiToken({ actor: somebody.actor, name: "mine" })).token)).toMatchObject({ userId: somebody.user.id });
});
