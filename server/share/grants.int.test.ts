import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { NOT_FOUND, rejectionOf } from "@/server/test/rejection";

const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

async function team() {
  const owner = await createTestUser({ name: "Olivia" });
  const mate = await createTestUser({ name: "Tom Teammate" });
  const drive = callerFor(owner.actor).drive;
  const project = await drive.createFolder({ name: "Project" });
  const docs = await drive.createFolder({ parentId: project.id, name: "docs" });
  const sibling = await drive.createFolder({ name: "Private" });
  const plan = await createTestFile({ actor: owner.actor, parentId: docs.id, name: "plan.txt", content: "the plan" });
  const diary = await createTestFile({ actor: owner.actor, parentId: sibling.id, name: "diary.txt", content: "dear diary" });
  return { owner, mate, project, docs, sibling, plan, diary };
}

describe("grants: sharing with teammates", () => {
  it("gives a viewer read access to the subtree and nothing else, on tRPC, downloads and zip", async () => {
    const s = await team();
    const grant = await callerFor(s.owner.actor).share.grant({ nodeId: s.project.id, email: s.mate.user.email.toUpperCase(), role: "VIEWER" });
    expect(grant).toMatchObject({ role: "VIEWER", grantee: { email: s.mate.user.email } });
    const mate = callerFor(s.mate.actor);

    const shared = await mate.share.sharedWithMe();
    expect(shared.map((n) => [n.name, n.role, n.owner.name])).toEqual([["Project", "VIEWER", "Olivia"]]);
    const inDocs = await mate.drive.list({ folderId: s.docs.id });
    expect(inDocs.items.map((i) => i.name)).toEqual(["plan.txt"]);
    // Breadcrumbs start at the shared folder: nothing above it is revealed.
    expect(inDocs.breadcrumbs.map((c) => c.name)).toEqual(["Project", "docs"]);
    // Siblings of the shared folder, and the owner's root, stay out of reach.
    expect(await rejectionOf(mate.drive.list({ folderId: s.sibling.id }))).toEqual(NOT_FOUND);
    const root = await t.prisma.node.findUniqueOrThrow({ where: { rootOwnerId: s.owner.user.id } });
    expect(await rejectionOf(mate.drive.list({ folderId: root.id }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(mate.drive.createFolder({ parentId: s.docs.id, name: "nope" }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(mate.drive.rename({ nodeId: s.plan.id, name: "x.txt" }))).toEqual(NOT_FOUND);
    // Search finds what is shared, with its path from the shared folder, and nothing beside it.
    expect((await mate.drive.search({ query: "diary" })).items).toEqual([]);
    const found = await mate.drive.search({ query: "plan" });
    expect(found.items.map((i) => [i.name, i.path.map((c) => c.name)])).toEqual([["plan.txt", ["Project", "docs"]]]);
    expect((await mate.drive.search({ query: "doc", kind: "folder" })).items.map((i) => i.name)).toEqual(["docs"]);
    expect((await callerFor(s.owner.actor).drive.search({ query: "plan" })).items.map((i) => i.path.map((c) => c.isRoot || c.name))).toEqual([[true, "Project", "docs"]]);

    const { headers } = await createTestToken(s.mate.actor);
    const ok = await fetch(`${http.baseUrl}/api/files/${s.plan.id}/content`, { headers });
    expect(await ok.text()).toBe("the plan");
    expect((await fetch(`${http.baseUrl}/api/files/${s.diary.id}/content`, { headers })).status).toBe(404);
    expect((await fetch(`${http.baseUrl}/api/zip?ids=${s.project.id}`, { headers })).status).toBe(200);
    expect((await fetch(`${http.baseUrl}/api/zip?ids=${s.sibling.id}`, { headers })).status).toBe(404);
    // A viewer cannot upload into it over tus.
    const post = await fetch(`${http.baseUrl}/api/upload`, {
      method: "POST",
      headers: { ...TUS, ...headers, "Upload-Length": "3", "Upload-Metadata": `filename ${b64("x.txt")},parentId ${b64(s.docs.id)}` },
    });
    expect(post.status).toBe(404);
    // Nor pass the share on: only owners make links.
    expect(await rejectionOf(mate.share.createLink({ nodeId: s.project.id, permission: "DOWNLOAD" }))).toEqual(NOT_FOUND);

    // The grantee is told, in the app and by a queued mail.
    const notes = await mate.notify.list({});
    expect(notes.items[0]!.data).toMatchObject({ kind: "grant", from: "Olivia", item: "Project", role: "VIEWER" });
    expect(await t.prisma.queuedJob.count({ where: { kind: "mail.send", payload: { path: ["to"], equals: s.mate.user.email } } })).toBe(1);
  });

  it("lets an editor upload, rename, move and delete inside, charged to the owner", async () => {
    const s = await team();
    await callerFor(s.owner.actor).share.grant({ nodeId: s.project.id, email: s.mate.user.email, role: "EDITOR" });
    const mate = callerFor(s.mate.actor);
    const { headers } = await createTestToken(s.mate.actor);
    const post = await fetch(`${http.baseUrl}/api/upload`, {
      method: "POST",
      headers: { ...TUS, ...headers, "Upload-Length": "5", "Upload-Metadata": `filename ${b64("mate.txt")},parentId ${b64(s.docs.id)}` },
    });
    expect(post.status).toBe(201);
    const patch = await fetch(new URL(post.headers.get("location")!, http.baseUrl), {
      method: "PATCH",
      headers: { ...TUS, ...headers, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: "hello",
    });
    expect(patch.status).toBe(204);
    const uploaded = await t.prisma.node.findUniqueOrThrow({ where: { id: patch.headers.get("upload-node-id")! } });
    expect(uploaded.ownerId).toBe(s.owner.user.id);

    await mate.drive.rename({ nodeId: s.plan.id, name: "plan-v2.txt" });
    const sub = await mate.drive.createFolder({ parentId: s.project.id, name: "archive" });
    await mate.drive.move({ nodeIds: [s.plan.id], targetId: sub.id });
    expect((await mate.drive.list({ folderId: sub.id })).items.map((i) => i.name)).toEqual(["plan-v2.txt"]);
    // Moving out to a sibling the grant does not cover is refused.
    expect(await rejectionOf(mate.drive.move({ nodeIds: [s.plan.id], targetId: s.sibling.id }))).toEqual(NOT_FOUND);
    await mate.drive.trash({ nodeIds: [uploaded.id] });
    expect((await mate.drive.list({ folderId: s.docs.id })).items).toEqual([]);
    expect(await rejectionOf(mate.drive.trash({ nodeIds: [s.diary.id] }))).toEqual(NOT_FOUND);
  });

  it("keeps the shared folder itself the owner's: an editor cannot rename, move or delete it, over tRPC or WebDAV", async () => {
    const s = await team();
    await callerFor(s.owner.actor).share.grant({ nodeId: s.project.id, email: s.mate.user.email, role: "EDITOR" });
    // A viewer of the whole project who edits only docs cannot take docs out of the project either.
    const viewer = await createTestUser();
    await callerFor(s.owner.actor).share.grant({ nodeId: s.project.id, email: viewer.user.email, role: "VIEWER" });
    await callerFor(s.owner.actor).share.grant({ nodeId: s.docs.id, email: viewer.user.email, role: "EDITOR" });
    const mate = callerFor(s.mate.actor);
    const refusal = {
      code: "FORBIDDEN",
      message: "“Project” was shared with you: only its owner can rename, move or delete it. To remove it from your list, leave the share.",
    };
    expect(await rejectionOf(mate.drive.trash({ nodeIds: [s.project.id] }))).toEqual(refusal);
    expect(await rejectionOf(mate.drive.rename({ nodeId: s.project.id, name: "Mine now" }))).toEqual(refusal);
    const inside = await mate.drive.createFolder({ parentId: s.project.id, name: "inside" });
    expect(await rejectionOf(mate.drive.move({ nodeIds: [s.project.id], targetId: inside.id }))).toMatchObject({ code: "FORBIDDEN" });
    expect((await rejectionOf(callerFor(viewer.actor).drive.trash({ nodeIds: [s.docs.id] }))).code).toBe("FORBIDDEN");
    await callerFor(viewer.actor).drive.rename({ nodeId: s.plan.id, name: "plan (viewer edit).txt" });
    // Over WebDAV the shared folder answers 403 to DELETE and stays where it was.
    const { token } = await createTestToken(s.mate.actor);
    const auth = { Authorization: `Basic ${Buffer.from(`${s.mate.user.email}:${token}`).toString("base64")}` };
    const del = await fetch(`${http.baseUrl}/dav/Shared%20with%20me/Project`, { method: "DELETE", headers: auth });
    expect(del.status).toBe(403);
    const project = await t.prisma.node.findUniqueOrThrow({ where: { id: s.project.id } });
    expect(project).toMatchObject({ name: "Project", trashedAt: null });
    // Inside, the editor still works freely; the owner still can do it all.
    await mate.drive.trash({ nodeIds: [inside.id] });
    await callerFor(s.owner.actor).drive.rename({ nodeId: s.project.id, name: "Project 2026" });
  });

  it("ends access when revoked; only the owner (or the grantee leaving) can revoke", async () => {
    const s = await team();
    const stranger = await createTestUser();
    const grant = await callerFor(s.owner.actor).share.grant({ nodeId: s.project.id, email: s.mate.user.email, role: "EDITOR" });
    expect((await callerFor(s.owner.actor).share.grants({ nodeId: s.project.id })).map((g) => g.grantee?.email)).toEqual([s.mate.user.email]);
    expect(await rejectionOf(callerFor(stranger.actor).share.grants({ nodeId: s.project.id }))).toEqual(NOT_FOUND);
    const err = await rejectionOf(callerFor(stranger.actor).share.revokeGrant({ grantId: grant.id }));
    expect(err.code).toBe("NOT_FOUND");
    expect(await rejectionOf(callerFor(stranger.actor).share.grant({ nodeId: s.project.id, email: stranger.user.email, role: "EDITOR" }))).toEqual(NOT_FOUND);
    expect(await rejectionOf(callerFor(s.owner.actor).share.grant({ nodeId: s.project.id, email: "nobody@example.com", role: "VIEWER" }))).toMatchObject({ code: "NOT_FOUND" });

    await callerFor(s.owner.actor).share.revokeGrant({ grantId: grant.id });
    expect(await rejectionOf(callerFor(s.mate.actor).drive.list({ folderId: s.project.id }))).toEqual(NOT_FOUND);
    expect(await callerFor(s.mate.actor).share.sharedWithMe()).toEqual([]);
    expect((await callerFor(s.mate.actor).drive.search({ query: "plan" })).items).toEqual([]);

    const again = await callerFor(s.owner.actor).share.grant({ nodeId: s.project.id, email: s.mate.user.email, role: "VIEWER" });
    await callerFor(s.mate.actor).share.revokeGrant({ grantId: again.id });
    expect(await callerFor(s.mate.actor).share.sharedWithMe()).toEqual([]);
  });
});
