import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAdminCli, startReplicaPair, type ServerProcess } from "@/server/test/server-process";
import { sseMessages } from "@/server/test/sse-messages";

// Two replicas on one PostgreSQL: a group's share follows its membership on every replica at once.
// Membership is read with every request (no cache), so a member added or removed through replica A
// is let in or refused by replica B on its very next request: tRPC, download, WebDAV. B's open event
// stream hears the removal (through the change bus) and nothing from the folder after it.
const pgBase = process.env.TEST_POSTGRES_URL;
const WAIT_S = 15;

type Change = { kind: string; newName: string | null; oldName: string | null };

let pair: Awaited<ReturnType<typeof startReplicaPair>> | undefined;
const tokens = { admin: "", owner: "", member: "" };
let memberId = "";
let ownerId = "";

beforeAll(async () => {
  if (!pgBase) return;
  pair = await startReplicaPair(pgBase, { prefix: "yp_groupshare" });
  const password = "group share replicas password";
  await runAdminCli(pair.env, ["create-user", "--email", "admin@example.com", "--admin", "--password", password]);
  ownerId = ((await runAdminCli(pair.env, ["create-user", "--email", "owner@example.com", "--password", password])) as { id: string }).id;
  memberId = ((await runAdminCli(pair.env, ["create-user", "--email", "member@example.com", "--password", password])) as { id: string }).id;
  for (const who of ["admin", "owner", "member"] as const) {
    tokens[who] = ((await runAdminCli(pair.env, ["create-token", "--email", `${who}@example.com`, "--name", "t"])) as { token: string }).token;
  }
}, 300_000);

afterAll(() => pair?.stop());

const auth = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });

async function trpc<T>(replica: ServerProcess, who: keyof typeof tokens, procedure: string, input: unknown, mutation = false): Promise<{ status: number; data: T }> {
  const res = mutation
    ? await fetch(`${replica.url}/api/trpc/${procedure}`, { method: "POST", headers: { ...auth(who), "Content-Type": "application/json" }, body: JSON.stringify({ json: input }) })
    : await fetch(`${replica.url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: auth(who) });
  const body = (await res.json()) as { result?: { data: { json: T } } };
  return { status: res.status, data: body.result?.data.json as T };
}

/** Reads SSE changes until one matches `done` (or the deadline); returns every change read. */
function readUntil(res: Response, done: (c: Change) => boolean): Promise<Change[]> {
  const reader = res.body!.getReader();
  const deadline = setTimeout(() => void reader.cancel(), WAIT_S * 1000);
  const seen: Change[] = [];
  return (async () => {
    try {
      for await (const messages of sseMessages(reader)) {
        for (const m of messages) {
          const c = JSON.parse(m.data) as Change;
          seen.push(c);
          if (done(c)) return seen;
        }
      }
      return seen;
    } finally {
      clearTimeout(deadline);
      reader.releaseLock();
    }
  })();
}

describe.skipIf(!pgBase)("two replicas: sharing with a group", () => {
  test("a member added on A is let in on B at once; one removed on A is refused on B at once (tRPC, download, WebDAV, event stream)", async () => {
    const { a, b } = pair!;
    const group = await trpc<{ id: string }>(a, "admin", "admin.groups.create", { name: "Design" }, true);
    expect(group.status).toBe(200);
    const project = await trpc<{ id: string }>(a, "owner", "drive.createFolder", { name: "Project" }, true);
    expect((await fetch(`${a.url}/dav/Project/plan.txt`, { method: "PUT", headers: auth("owner"), body: "the plan" })).status).toBe(201);
    const listed = await trpc<{ items: { id: string; name: string }[] }>(a, "owner", "drive.list", { folderId: project.data.id });
    const plan = listed.data.items.find((i) => i.name === "plan.txt")!;
    // The owner shares with the group they are in.
    expect((await trpc(a, "admin", "admin.groups.addMember", { groupId: group.data.id, userId: ownerId }, true)).status).toBe(200);
    expect((await trpc(a, "owner", "share.grantGroup", { nodeId: project.data.id, groupId: group.data.id, role: "VIEWER" }, true)).status).toBe(200);

    const reach = async (replica: ServerProcess) => ({
      trpc: (await trpc(replica, "member", "drive.list", { folderId: project.data.id })).status,
      download: (await fetch(`${replica.url}/api/files/${plan.id}/content`, { headers: auth("member") })).status,
      dav: (await fetch(`${replica.url}/dav/Shared%20with%20me/Project/plan.txt`, { headers: auth("member") })).status,
    });
    expect(await reach(b)).toEqual({ trpc: 404, download: 404, dav: 404 });
    expect((await trpc(a, "admin", "admin.groups.addMember", { groupId: group.data.id, userId: memberId }, true)).status).toBe(200);
    expect(await reach(b)).toEqual({ trpc: 200, download: 200, dav: 200 });

    const stream = await fetch(`${b.url}/api/events`, { headers: auth("member") });
    expect(stream.status).toBe(200);
    // The stream is live before anything below: a change in the shared folder reaches it.
    const warm = readUntil(stream, (c) => c.newName === "warm");
    await trpc(a, "owner", "drive.createFolder", { parentId: project.data.id, name: "warm" }, true);
    expect((await warm).at(-1)).toMatchObject({ kind: "folder.created", newName: "warm" });

    const rest = readUntil(stream, (c) => c.newName === "marker");
    expect((await trpc(a, "admin", "admin.groups.removeMember", { groupId: group.data.id, userId: memberId }, true)).status).toBe(200);
    expect(await reach(b)).toEqual({ trpc: 404, download: 404, dav: 404 });
    // After the removal: a change in the folder (not for the member), then one in the member's own drive.
    await trpc(a, "owner", "drive.createFolder", { parentId: project.data.id, name: "after removal" }, true);
    await trpc(a, "member", "drive.createFolder", { name: "marker" }, true);
    const heard = await rest;
    expect(heard.map((c) => [c.kind, c.newName ?? c.oldName])).toEqual([
      ["grant.removed", "Project"],
      ["folder.created", "marker"],
    ]);
  }, 120_000);
});
