import { afterAll, beforeAll, expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { ensureFolderPath } from "@/server/drive/folder-path.service";

const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

/** The audit rows about one node, oldest first. */
const eventsFor = (targetId: string) => t.prisma.auditEvent.findMany({ where: { targetId }, orderBy: [{ at: "asc" }, { id: "asc" }] });

test("every change to the tree is audited with the account that made it, a teammate's as the teammate", async () => {
  const owner = await createTestUser({ name: "Olga" });
  const mate = await createTestUser({ name: "Mateo" });
  const drive = callerFor(owner.actor).drive;
  const projects = await drive.createFolder({ name: "Projects" });
  const archive = await drive.createFolder({ name: "Archive" });
  const file = await createTestFile({ actor: owner.actor, parentId: projects.id, name: "plan.txt", content: "v1" });
  await drive.rename({ nodeId: file.id, name: "plan-2027.txt" });
  await drive.move({ nodeIds: [file.id], targetId: archive.id });
  const [copy] = await drive.copy({ nodeIds: [file.id], targetId: projects.id });
  const nested = await ensureFolderPath({ actor: owner.actor, parentId: projects.id, path: "photos/2027" });

  expect((await eventsFor(projects.id)).map((e) => [e.action, e.actorId])).toEqual([["folder.create", owner.user.id]]);
  const fileEvents = await eventsFor(file.id);
  expect(fileEvents.map((e) => [e.action, e.actorId])).toEqual([
    ["upload.complete", owner.user.id],
    ["node.rename", owner.user.id],
    ["node.move", owner.user.id],
  ]);
  expect(fileEvents[1]!.data).toMatchObject({ from: "plan.txt", name: "plan-2027.txt" });
  expect(fileEvents[2]!.data).toMatchObject({ fromId: projects.id, toId: archive.id });
  const copyEvents = await eventsFor(copy!.id);
  expect(copyEvents.map((e) => [e.action, e.actorId])).toEqual([["node.copy", owner.user.id]]);
  expect(copyEvents[0]!.data).toMatchObject({ sourceId: file.id, toId: projects.id, name: "plan-2027.txt" });
  // A folder made for a dropped tree (`mkdir -p`) is audited like one made by hand.
  expect((await eventsFor(nested)).map((e) => [e.action, e.actorId])).toEqual([["folder.create", owner.user.id]]);

  // A teammate with editor rights acts inside the owner's folder: the entries name the teammate.
  await callerFor(owner.actor).share.grant({ nodeId: projects.id, email: mate.user.email, role: "EDITOR" });
  const mates = callerFor(mate.actor).drive;
  const sub = await mates.createFolder({ parentId: projects.id, name: "From Mateo" });
  await mates.rename({ nodeId: copy!.id, name: "plan (copy).txt" });
  await mates.move({ nodeIds: [copy!.id], targetId: sub.id });
  expect((await eventsFor(sub.id)).map((e) => [e.action, e.actorId])).toEqual([["folder.create", mate.user.id]]);
  expect((await eventsFor(copy!.id)).map((e) => [e.action, e.actorId])).toEqual([
    ["node.copy", owner.user.id],
    ["node.rename", mate.user.id],
    ["node.move", mate.user.id],
  ]);

  // A rename to the same name and a move into the folder it is already in change nothing: no entry.
  await drive.rename({ nodeId: file.id, name: "plan-2027.txt" });
  await drive.move({ nodeIds: [file.id], targetId: archive.id });
  expect(await eventsFor(file.id)).toHaveLength(3);
});

test("a visitor's drop through a link is audited as that link's visitor, never as the owner's upload", async () => {
  const admin = await createTestUser({ role: "ADMIN" });
  const owner = await createTestUser({ name: "Olivia" });
  const inbox = await callerFor(owner.actor).drive.createFolder({ name: "Inbox" });
  const { token, link } = await callerFor(owner.actor).share.createLink({ nodeId: inbox.id, permission: "UPLOAD" });
  const body = Buffer.from("from a visitor");
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const create = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { "Tus-Resumable": "1.0.0", "X-Yunpan-Share": token, "Upload-Length": String(body.length), "Upload-Metadata": `filename ${b64("notes.txt")},name ${b64("Vera")}` },
  });
  expect(create.status).toBe(201);
  const patch = await fetch(new URL(create.headers.get("location")!, http.baseUrl), {
    method: "PATCH",
    headers: { "Tus-Resumable": "1.0.0", "X-Yunpan-Share": token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
    body,
  });
  expect(patch.status).toBe(204);
  const dropped = (await callerFor(owner.actor).drive.list({ folderId: inbox.id })).items.find((i) => i.name === "notes.txt")!;

  // Nothing says the owner uploaded it.
  expect(await t.prisma.auditEvent.findMany({ where: { action: "upload.complete", targetId: dropped.id } })).toEqual([]);
  expect(await t.prisma.auditEvent.findMany({ where: { actorId: owner.user.id, action: { startsWith: "upload." } } })).toEqual([]);
  // The admin's log names the visitor and the link they came through.
  const log = await callerFor(admin.actor).admin.audit.list({ action: "share.drop", limit: 50 });
  const row = log.items.find((e) => e.targetId === link.id);
  expect(row).toMatchObject({ actor: null, visitor: { shareLinkId: link.id, name: "Vera" }, targetType: "shareLink" });
  expect(row!.data).toMatchObject({ nodeId: dropped.id, filename: "notes.txt", size: body.length });
  // An account's own entries are never shown as a visitor's.
  const own = await callerFor(admin.actor).admin.audit.list({ user: owner.user.id, limit: 50 });
  expect(own.items.every((e) => e.visitor === null)).toBe(true);
});
