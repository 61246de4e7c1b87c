import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

// Uploading onto a name that exists (issue 18.5): the uploader chooses a new version (the default,
// and WebDAV's and the API's rule) or "keep both", whose number the commit picks.
const t = useTestDatabase();
let http: HttpHarness;
let owner: Awaited<ReturnType<typeof createTestUser>>;
let auth: Record<string, string>;
const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s).toString("base64");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  http = await startHttpHarness();
  owner = await createTestUser();
  ({ headers: auth } = await createTestToken(owner.actor));
});
afterAll(() => http?.close());

/** One whole tus upload (POST, then one PATCH with every byte); the response of the PATCH. */
async function tusUpload(meta: Record<string, string>, content: Buffer) {
  const metadata = Object.entries(meta)
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(",");
  const created = await fetch(`${http.baseUrl}/api/upload`, {
    method: "POST",
    headers: { ...TUS, ...auth, "Upload-Length": String(content.length), "Upload-Metadata": metadata },
  });
  if (created.status !== 201) return created;
  const location = new URL(created.headers.get("location")!, http.baseUrl).toString();
  return fetch(location, {
    method: "PATCH",
    headers: { ...TUS, ...auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
    body: new Uint8Array(content) as unknown as BodyInit,
  });
}

async function folderWith(name: string, content: Buffer) {
  const api = callerFor(owner.actor);
  const folder = await api.drive.createFolder({ name: `conflicts-${randomBytes(4).toString("hex")}` });
  await createTestFile({ actor: owner.actor, parentId: folder.id, name, content });
  return folder.id;
}

async function namesIn(folderId: string) {
  const list = await callerFor(owner.actor).drive.list({ folderId });
  return list.items.map((n) => n.name).sort();
}

describe("name conflicts on upload", () => {
  it("keep both under a race: concurrent uploads of a.txt become a (1).txt … a (4).txt, each with its own bytes", async () => {
    const folderId = await folderWith("a.txt", Buffer.from("the original"));
    const contents = Array.from({ length: 4 }, () => randomBytes(3000));
    const responses = await Promise.all(contents.map((c) => tusUpload({ filename: "a.txt", parentId: folderId, onConflict: "rename" }, c)));
    expect(responses.map((r) => r.status)).toEqual([204, 204, 204, 204]);
    expect(await namesIn(folderId)).toEqual(["a (1).txt", "a (2).txt", "a (3).txt", "a (4).txt", "a.txt"]);
    // Every upload is its own file of one version, holding the bytes that were sent for it.
    const nodes = await t.prisma.node.findMany({ where: { parentId: folderId }, include: { versions: { include: { blob: true } } } });
    const original = nodes.find((n) => n.name === "a.txt")!;
    expect(original.versions).toHaveLength(1);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    for (const [i, res] of responses.entries()) {
      const node = byId.get(res.headers.get("upload-node-id")!)!;
      expect(node.name).toMatch(/^a \(\d\)\.txt$/);
      expect(node.versions.map((v) => v.blob.sha256)).toEqual([sha(contents[i]!)]);
    }
  });

  it("without a choice, or with \"version\", an upload onto an existing name adds a version (today's rule)", async () => {
    const folderId = await folderWith("b.txt", Buffer.from("v1"));
    expect((await tusUpload({ filename: "b.txt", parentId: folderId }, Buffer.from("v2"))).status).toBe(204);
    expect((await tusUpload({ filename: "b.txt", parentId: folderId, onConflict: "version" }, Buffer.from("v3"))).status).toBe(204);
    expect(await namesIn(folderId)).toEqual(["b.txt"]);
    const node = await t.prisma.node.findFirstOrThrow({ where: { parentId: folderId, name: "b.txt" }, include: { versions: true } });
    expect(node.versions.map((v) => v.number).sort()).toEqual([1, 2, 3]);
  });

  it("a rule other than version or rename (\"skip\" is the client's business) is refused at creation", async () => {
    const folderId = await folderWith("c.txt", Buffer.from("v1"));
    const res = await tusUpload({ filename: "c.txt", parentId: folderId, onConflict: "skip" }, Buffer.from("v2"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/new version or is kept beside it/);
    expect(await namesIn(folderId)).toEqual(["c.txt"]);
  });

  it("an instant upload (秒传) honours keep both too", async () => {
    const content = randomBytes(200 * 1024);
    const folderId = await folderWith("d.bin", content);
    const api = callerFor(owner.actor);
    for (const onConflict of ["rename", "version"] as const) {
      const prep = await api.upload.instantPrepare({ parentId: folderId, filename: "d.bin", size: content.length, sha256: sha(content), onConflict });
      if (prep.kind !== "challenge") throw new Error("expected a challenge");
      const answers = prep.ranges.map((r) => sha(content.subarray(r.start, r.end + 1)));
      await api.upload.instantCommit({ challenge: prep.challenge, answers });
    }
    expect(await namesIn(folderId)).toEqual(["d (1).bin", "d.bin"]);
    const d = await t.prisma.node.findFirstOrThrow({ where: { parentId: folderId, name: "d.bin" }, include: { versions: true } });
    expect(d.versions).toHaveLength(2);
  });

  it("the check before uploading lists the batch's names already taken; another user's folder is not found", async () => {
    const folderId = await folderWith("report.pdf", Buffer.from("%PDF"));
    await callerFor(owner.actor).drive.createFolder({ name: "photos", parentId: folderId });
    const conflicts = await callerFor(owner.actor).upload.conflicts({ parentId: folderId, names: ["report.pdf", "photos", "new.txt", "report.pdf"] });
    expect(conflicts.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "photos", kind: "FOLDER" },
      { name: "report.pdf", kind: "FILE" },
    ]);
    const stranger = await createTestUser();
    await expect(callerFor(stranger.actor).upload.conflicts({ parentId: folderId, names: ["report.pdf"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(callerFor(stranger.actor).upload.conflicts({ parentId: "00000000-0000-4000-8000-000000000000", names: ["x"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
