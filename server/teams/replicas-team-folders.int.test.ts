import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAdminCli, startReplicaPair, type ServerProcess } from "@/server/test/server-process";
import { sseMessages } from "@/server/test/sse-messages";

// Two replicas on one PostgreSQL: someone added to a team folder through replica A (as a person,
// or by joining a group that is a member) has an event stream open on replica B; that stream
// carries the team folder's changes from then on, without a reconnect.
const pgBase = process.env.TEST_POSTGRES_URL;
/** Generous: delivery does not depend on it, a stream that never delivers fails at the deadline. */
const WAIT_S = 90;

type Change = { kind: string; newName: string | null };

let pair: Awaited<ReturnType<typeof startReplicaPair>> | undefined;
const tokens = { admin: "", editor: "", direct: "", grouped: "" };
const ids = { direct: "", grouped: "" };

beforeAll(async () => {
  if (!pgBase) return;
  pair = await startReplicaPair(pgBase, { prefix: "yp_teamlive" });
  const password = "team folder replicas password";
  await runAdminCli(pair.env, ["create-user", "--email", "admin@example.com", "--admin", "--password", password]);
  for (const who of ["editor", "direct", "grouped"] as const) {
    const made = (await runAdminCli(pair.env, ["create-user", "--email", `${who}@example.com`, "--password", password])) as { id: string };
    if (who !== "editor") ids[who] = made.id;
  }
  for (const who of ["admin", "editor", "direct", "grouped"] as const) {
    tokens[who] = ((await runAdminCli(pair.env, ["create-token", "--email", `${who}@example.com`, "--name", "t"])) as { token: string }).token;
  }
}, 300_000);

afterAll(() => pair?.stop());

const auth = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });

async function trpc<T>(replica: ServerProcess, who: keyof typeof tokens, procedure: string, input: unknown, mutation = false): Promise<T> {
  const res = mutation
    ? await fetch(`${replica.url}/api/trpc/${procedure}`, { method: "POST", headers: { ...auth(who), "Content-Type": "application/json" }, body: JSON.stringify({ json: input }) })
    : await fetch(`${replica.url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: auth(who) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** An open stream: `until(name)` reads change events up to the one named `name` (or the deadline). */
async function openStream(replica: ServerProcess, who: keyof typeof tokens) {
  const res = await fetch(`${replica.url}/api/events`, { headers: auth(who) });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const messages = sseMessages(reader);
  const pending: { data: string }[] = [];
  const until = async (name: string): Promise<[string, string | null][]> => {
    const got: [string, string | null][] = [];
    const deadline = setTimeout(() => void reader.cancel(), WAIT_S * 1000);
    try {
      for (;;) {
        while (pending.length) {
          const c = JSON.parse(pending.shift()!.data) as Change;
          got.push([c.kind, c.newName]);
          if (c.newName === name) return got;
        }
        const chunk = await messages.next();
        if (chunk.done) return got;
        pending.push(...chunk.value);
      }
    } finally {
      clearTimeout(deadline);
    }
  };
  return { until, close: () => reader.cancel() };
}

describe.skipIf(!pgBase)("two replicas: joining a team folder", () => {
  test("a person added on A, directly or through a group, hears the team folder's changes on a stream already open on B", async () => {
    const { a, b } = pair!;
    const team = await trpc<{ id: string; name: string }>(a, "admin", "teams.create", { name: "Ops", quotaBytes: 1 << 20 }, true);
    await trpc(a, "admin", "teams.setMember", { teamFolderId: team.id, email: "editor@example.com", role: "EDITOR" }, true);
    const group = await trpc<{ id: string }>(a, "admin", "admin.groups.create", { name: "Ops people" }, true);
    await trpc(a, "admin", "teams.setMember", { teamFolderId: team.id, groupId: group.id, role: "VIEWER" }, true);
    const [mine] = await trpc<{ rootId: string }[]>(a, "editor", "teams.mine", {});

    const streams = { direct: await openStream(b, "direct"), grouped: await openStream(b, "grouped") };
    // Each stream is live (its own change reaches it) before its person joins.
    for (const who of ["direct", "grouped"] as const) {
      const warm = streams[who].until(`warm ${who}`);
      await trpc(b, who, "drive.createFolder", { name: `warm ${who}` }, true);
      expect(await warm).toEqual([["folder.created", `warm ${who}`]]);
    }
    const heard = { direct: streams.direct.until("Agenda"), grouped: streams.grouped.until("Agenda") };
    await trpc(a, "admin", "teams.setMember", { teamFolderId: team.id, email: "direct@example.com", role: "VIEWER" }, true);
    await trpc(a, "admin", "admin.groups.addMember", { groupId: group.id, userId: ids.grouped }, true);
    await trpc(a, "editor", "drive.createFolder", { parentId: mine!.rootId, name: "Agenda" }, true);
    expect(await heard.direct).toEqual([["grant.added", "Ops"], ["folder.created", "Agenda"]]);
    expect(await heard.grouped).toEqual([["grant.added", "Ops"], ["folder.created", "Agenda"]]);
    await Promise.all([streams.direct.close(), streams.grouped.close()]);
  }, 240_000);
});
