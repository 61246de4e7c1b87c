import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { NOT_FOUND, rejectionOf } from "@/server/test/rejection";
import type { Actor } from "@/server/auth/actor";

useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

/** An owner in a group "Design" with one teammate; the owner's folder Project/docs/plan.txt. */
async function team() {
  const admin = await createTestUser({ role: "ADMIN" });
  const owner = await createTestUser({ name: "Olivia" });
  const mate = await createTestUser({ name: "Tom" });
  const outsider = await createTestUser({ name: "Eve" });
  const groups = callerFor(admin.actor).admin.groups;
  const group = await groups.create({ name: `Design ${randomUUID().slice(0, 6)}` });
  await groups.addMember({ groupId: group.id, userId: owner.user.id });
  await groups.addMember({ groupId: group.id, userId: mate.user.id });
  const drive = callerFor(owner.actor).drive;
  const project = await drive.createFolder({ name: "Project" });
  const docs = await drive.createFolder({ parentId: project.id, name: "docs" });
  const plan = await createTestFile({ actor: owner.actor, parentId: docs.id, name: "plan.txt", content: "the plan" });
  return { admin, owner, mate, outsider, group, groups, project, docs, plan };
}

/** What one user reaches, on every path: tRPC, the download route, WebDAV. */
async function reach(actor: Actor, email: string, s: Awaited<ReturnType<typeof team>>) {
  const list = await rejectionOf(callerFor(actor).drive.list({ folderId: s.docs.id })).catch(() => null);
  const { headers, token } = await createTestToken(actor);
  const download = await fetch(`${http.baseUrl}/api/files/${s.plan.id}/content`, { headers });
  const dav = await fetch(`${http.baseUrl}/dav/Shared%20with%20me/Project/docs/plan.txt`, {
    headers: { Authorization: `Basic ${Buffer.from(`${email}:${token}`).toString("base64")}` },
  });
  return { trpc: list ? list.code : "OK", download: download.status, dav: dav.status, davBody: dav.ok ? await dav.text() : null };
}

/** The change feed from `cursor` as the user sees it: kinds and names. */
async function changesSince(actor: Actor, cursor: string) {
  const page = await callerFor(actor).changes.list({ cursor });
  return page.changes.map((c) => [c.kind, c.newName ?? c.oldName, c.granteeId === actor.userId]);
}

describe("grants to a group", () => {
  it("lets members read (not write) and nobody else; only the sharer's own groups can be chosen", async () => {
    const s = await team();
    const owner = callerFor(s.owner.actor);
    const grant = await owner.share.grantGroup({ nodeId: s.project.id, groupId: s.group.id, role: "VIEWER" });
    expect(grant).toMatchObject({ role: "VIEWER", grantee: null, group: { id: s.group.id, name: s.group.name, memberCount: 2 } });
    expect((await owner.share.grants({ nodeId: s.project.id })).map((g) => g.group?.name)).toEqual([s.group.name]);
    // The owner is in the group too: their own folder is not "shared with" them, on the web or WebDAV.
    expect(await owner.share.sharedWithMe()).toEqual([]);
    const ownerToken = await createTestToken(s.owner.actor);
    const ownerDav = await fetch(`${http.baseUrl}/dav/Shared%20with%20me/Project`, {
      method: "PROPFIND",
      headers: { Depth: "0", Authorization: `Basic ${Buffer.from(`${s.owner.user.email}:${ownerToken.token}`).toString("base64")}` },
    });
    expect(ownerDav.status).toBe(404);

    const mate = callerFor(s.mate.actor);
    expect((await mate.share.sharedWithMe()).map((n) => [n.name, n.role, n.viaGroup])).toEqual([["Project", "VIEWER", s.group.name]]);
    expect(await reach(s.mate.actor, s.mate.user.email, s)).toEqual({ trpc: "OK", download: 200, dav: 200, davBody: "the plan" });
    expect((await mate.drive.search({ query: "plan" })).items.map((i) => i.name)).toEqual(["plan.txt"]);
    // A viewer through a group cannot write, and a group's share is left by leaving the group.
    expect(await rejectionOf(mate.drive.createFolder({ parentId: s.docs.id, name: "nope" }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(mate.share.revokeGrant({ grantId: grant.id }))).toEqual({
      code: "BAD_REQUEST",
      message: "This was shared with a group you are in: you keep it while you are a member.",
    });

    expect(await reach(s.outsider.actor, s.outsider.user.email, s)).toEqual({ trpc: "NOT_FOUND", download: 404, dav: 404, davBody: null });
    expect(await callerFor(s.outsider.actor).share.sharedWithMe()).toEqual([]);
    expect((await rejectionOf(callerFor(s.outsider.actor).share.revokeGrant({ grantId: grant.id }))).code).toBe("NOT_FOUND");

    // Someone outside the group cannot share with it: their answer is the one for a missing group.
    const outsiderFolder = await callerFor(s.outsider.actor).drive.createFolder({ name: "Mine" });
    const outsiderShare = (groupId: string) => callerFor(s.outsider.actor).share.grantGroup({ nodeId: outsiderFolder.id, groupId, role: "VIEWER" });
    const missing = await rejectionOf(outsiderShare(randomUUID()));
    expect(missing).toEqual({ code: "NOT_FOUND", message: "This group does not exist." });
    expect(await rejectionOf(outsiderShare(s.group.id))).toEqual(missing);
    expect(await callerFor(s.outsider.actor).share.shareableGroups({})).toEqual([]);
    expect((await owner.share.shareableGroups({ search: s.group.name.slice(2, 8).toUpperCase() })).map((g) => [g.name, g.memberCount])).toEqual([[s.group.name, 2]]);
    expect((await callerFor(s.admin.actor).share.shareableGroups({ search: s.group.name })).map((g) => g.id)).toEqual([s.group.id]);
    // Nor can anyone share a node that is not theirs with a group.
    expect(await rejectionOf(mate.share.grantGroup({ nodeId: s.project.id, groupId: s.group.id, role: "EDITOR" }))).toEqual(NOT_FOUND);

    // As editor the group's members write; the strongest of a personal and a group grant counts.
    await owner.share.updateGrant({ grantId: grant.id, role: "EDITOR" });
    await mate.drive.createFolder({ parentId: s.docs.id, name: "from Tom" });
    await owner.share.grant({ nodeId: s.project.id, email: s.mate.user.email, role: "VIEWER" });
    expect((await mate.share.sharedWithMe()).map((n) => [n.name, n.role, n.viaGroup])).toEqual([["Project", "EDITOR", null]]);
  });

  it("reaches a new member at once and leaves a removed one at once: tRPC, download, WebDAV, change feed", async () => {
    const s = await team();
    const newcomer = await createTestUser({ name: "Nina" });
    await callerFor(s.owner.actor).share.grantGroup({ nodeId: s.project.id, groupId: s.group.id, role: "VIEWER" });
    const start = (await callerFor(newcomer.actor).changes.cursor()).cursor;
    expect(await reach(newcomer.actor, newcomer.user.email, s)).toMatchObject({ trpc: "NOT_FOUND", download: 404, dav: 404 });

    await s.groups.addMember({ groupId: s.group.id, userId: newcomer.user.id });
    expect(await reach(newcomer.actor, newcomer.user.email, s)).toEqual({ trpc: "OK", download: 200, dav: 200, davBody: "the plan" });
    await callerFor(s.owner.actor).drive.createFolder({ parentId: s.docs.id, name: "while a member" });
    expect(await changesSince(newcomer.actor, start)).toEqual([
      ["grant.added", "Project", true],
      ["folder.created", "while a member", false],
    ]);

    const before = (await callerFor(newcomer.actor).changes.cursor()).cursor;
    await s.groups.removeMember({ groupId: s.group.id, userId: newcomer.user.id });
    expect(await reach(newcomer.actor, newcomer.user.email, s)).toMatchObject({ trpc: "NOT_FOUND", download: 404, dav: 404 });
    expect(await callerFor(newcomer.actor).share.sharedWithMe()).toEqual([]);
    await callerFor(s.owner.actor).drive.createFolder({ parentId: s.docs.id, name: "after leaving" });
    // The removal is heard (the open page drops the folder); what happens after it is not.
    expect(await changesSince(newcomer.actor, before)).toEqual([["grant.removed", "Project", true]]);
    // The members who stayed keep access and hear nothing about the others' comings and goings.
    expect(await reach(s.mate.actor, s.mate.user.email, s)).toMatchObject({ trpc: "OK", download: 200, dav: 200 });
  });

  it("ends every member's access when the share is removed or the group deleted", async () => {
    const s = await team();
    const owner = callerFor(s.owner.actor);
    const grant = await owner.share.grantGroup({ nodeId: s.project.id, groupId: s.group.id, role: "VIEWER" });
    const cursor = (await callerFor(s.mate.actor).changes.cursor()).cursor;
    await owner.share.revokeGrant({ grantId: grant.id });
    expect(await reach(s.mate.actor, s.mate.user.email, s)).toMatchObject({ trpc: "NOT_FOUND", download: 404, dav: 404 });
    expect(await changesSince(s.mate.actor, cursor)).toEqual([["grant.removed", "Project", true]]);

    await owner.share.grantGroup({ nodeId: s.project.id, groupId: s.group.id, role: "VIEWER" });
    expect(await reach(s.mate.actor, s.mate.user.email, s)).toMatchObject({ trpc: "OK" });
    const again = (await callerFor(s.mate.actor).changes.cursor()).cursor;
    await s.groups.delete({ groupId: s.group.id });
    expect(await reach(s.mate.actor, s.mate.user.email, s)).toMatchObject({ trpc: "NOT_FOUND", download: 404, dav: 404 });
    expect(await owner.share.grants({ nodeId: s.project.id })).toEqual([]);
    expect(await changesSince(s.mate.actor, again)).toEqual([["grant.removed", "Project", true]]);
  });
});
