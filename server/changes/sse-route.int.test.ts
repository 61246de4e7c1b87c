import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestSessionCookie, createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { sseMessages } from "@/server/test/sse-messages";
import { currentCursor, listChanges, pruneChangeLog } from "@/server/changes/change-feed.service";
import { openEventStreams } from "@/server/changes/sse-route";
import { rowsAfter, streamTiming, visibleIn } from "@/server/changes/stream-hub";
import { ChangeVisibility } from "@/server/changes/change-feed.service";
import { getChangeBus } from "@/server/events/change-bus";
import { getPrisma } from "@/server/db/client";
import { cliActor } from "@/server/auth/actor";
import { createTeamFolder, removeTeamMember, setTeamMember } from "@/server/teams/team-folder.service";
import { addGroupMember, createGroup } from "@/server/groups/groups.service";

useTestDatabase();
// Short timers so the heartbeat and the re-read (with its session re-check) are seen in a test.
streamTiming.heartbeatMs = 200;
streamTiming.rereadMs = 300;
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

/** Reads SSE messages from a stream until `count` change events arrived. */
async function readEvents(res: Response, count: number): Promise<{ id: string; data: { kind: string; newName: string | null } }[]> {
  const reader = res.body!.getReader();
  const events: { id: string; data: { kind: string; newName: string | null } }[] = [];
  for await (const messages of sseMessages(reader)) {
    events.push(...messages.map((m) => ({ id: m.id, data: JSON.parse(m.data) })));
    if (events.length >= count) break;
  }
  await reader.cancel();
  return events;
}

describe("GET /api/events", () => {
  it("streams the caller's changes live, replays from Last-Event-ID, and shows another user nothing", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const { headers } = await createTestToken(owner.actor);
    const otherAuth = await createTestToken(other.actor);
    const api = callerFor(owner.actor);

    const live = await fetch(`${http.baseUrl}/api/events`, { headers });
    expect(live.status).toBe(200);
    expect(live.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(live.headers.get("x-accel-buffering")).toBe("no");
    const otherStream = await fetch(`${http.baseUrl}/api/events`, { headers: otherAuth.headers });
    const arriving = readEvents(live, 2);
    await new Promise((r) => setTimeout(r, 100));
    await api.drive.createFolder({ name: "One" });
    await api.drive.createFolder({ name: "Two" });
    const got = await arriving;
    expect(got.map((e) => [e.data.kind, e.data.newName])).toEqual([
      ["folder.created", "One"],
      ["folder.created", "Two"],
    ]);

    // Disconnected after "One": three more changes, then a reconnect replays exactly what was missed.
    await api.drive.createFolder({ name: "Three" });
    const replay = await fetch(`${http.baseUrl}/api/events`, { headers: { ...headers, "Last-Event-ID": got[0]!.id } });
    const replayed = await readEvents(replay, 2);
    expect(replayed.map((e) => e.data.newName)).toEqual(["Two", "Three"]);

    // The other user's stream carried none of it: the first thing it gets is its own change.
    const otherArriving = readEvents(otherStream, 1);
    await callerFor(other.actor).drive.createFolder({ name: "Mine" });
    expect((await otherArriving).map((e) => e.data.newName)).toEqual(["Mine"]);
  });

  it("ends a stream once its token is revoked, or its user disabled or signed out everywhere", async () => {
    const owner = await createTestUser();
    const prisma = await getPrisma();
    const token = await createTestToken(owner.actor);
    const cookie = await createTestSessionCookie(owner.user.id);
    const second = await createTestToken(owner.actor, "second");

    /** Reads until the server ends the stream; returns the change events seen. */
    const untilEnd = async (res: Response) => {
      const reader = res.body!.getReader();
      let text = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      } catch {
        // the server destroyed the socket
      }
      return text.split("\n\n").filter((b) => b.includes("event: change"));
    };
    const open = async (headers: Record<string, string>) => {
      const res = await fetch(`${http.baseUrl}/api/events`, { headers });
      expect(res.status).toBe(200);
      return res;
    };

    // A revoked token: the stream ends at the next re-read (without the re-check it never would).
    const byToken = await open(token.headers);
    const tokenEnded = untilEnd(byToken);
    await prisma.apiToken.updateMany({ where: { userId: owner.user.id, name: "integration test" }, data: { revokedAt: new Date() } });
    expect(await tokenEnded).toEqual([]);

    // Signed out everywhere (the session version moves): the cookie's stream ends.
    const bySession = await open({ cookie });
    const sessionEnded = untilEnd(bySession);
    await prisma.user.update({ where: { id: owner.user.id }, data: { sessionVersion: { increment: 1 } } });
    expect(await sessionEnded).toEqual([]);

    // Disabled: a stream by another, still valid, token ends too.
    const bySecond = await open(second.headers);
    const secondEnded = untilEnd(bySecond);
    await prisma.user.update({ where: { id: owner.user.id }, data: { disabledAt: new Date() } });
    expect(await secondEnded).toEqual([]);
  });

  it("sends a named ping the page can see while nothing changes", async () => {
    const owner = await createTestUser();
    const { headers } = await createTestToken(owner.actor);
    const res = await fetch(`${http.baseUrl}/api/events`, { headers });
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: ping\ndata: 0\n\n")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).not.toContain("event: change");
  });

  it("shares one log read per cursor and one decision per reader among streams, with the exact visibility", async () => {
    const owner = await createTestUser();
    const grantee = await createTestUser();
    const stranger = await createTestUser();
    const folder = await callerFor(owner.actor).drive.createFolder({ name: "Shared later" });
    const { cursor } = await currentCursor({ actor: owner.actor });
    const from = BigInt(cursor);
    // Two streams of the grantee opened before the grant: neither knows the owner's drive yet.
    const first = new ChangeVisibility(grantee.actor, "mine", undefined, true);
    const second = new ChangeVisibility(grantee.actor, "mine", undefined, true);
    expect(await first.readerKey()).toBe(await second.readerKey());

    await callerFor(owner.actor).share.grant({ nodeId: folder.id, email: grantee.user.email, role: "VIEWER" });
    await callerFor(stranger.actor).drive.createFolder({ name: "Not yours" });
    const batchPromise = rowsAfter(from);
    expect(rowsAfter(from)).toBe(batchPromise);
    const batch = await batchPromise;
    const a = await visibleIn(first, batch);
    const b = await visibleIn(second, batch);
    expect(b).toBe(a); // decided once for both
    expect(a.map((e) => e.kind)).toEqual(["notification.created", "grant.added"]);
    expect((await visibleIn(new ChangeVisibility(owner.actor, "mine"), batch)).map((e) => e.kind)).toEqual(["grant.added"]);
    expect((await visibleIn(new ChangeVisibility(stranger.actor, "mine"), batch)).map((e) => e.newName)).toEqual(["Not yours"]);

    // The grant reached both readers: the one that reused the decision now sees the owner's drive too.
    await callerFor(owner.actor).drive.createFolder({ name: "Inside", parentId: folder.id });
    const next = await rowsAfter(batch.at(-1)!.seq);
    expect((await visibleIn(second, next)).map((e) => e.newName)).toEqual(["Inside"]);
    expect((await visibleIn(first, next)).map((e) => e.newName)).toEqual(["Inside"]);
  });

  it("reads a user's grants once per shared batch, however many of their streams wake", async () => {
    const owner = await createTestUser();
    const grantee = await createTestUser();
    const folder = await callerFor(owner.actor).drive.createFolder({ name: "Team" });
    await callerFor(owner.actor).share.grant({ nodeId: folder.id, email: grantee.user.email, role: "VIEWER" });
    const from = BigInt((await currentCursor({ actor: owner.actor })).cursor);
    await callerFor(owner.actor).drive.createFolder({ name: "Seen by all", parentId: folder.id });
    const streams = Array.from({ length: 50 }, () => new ChangeVisibility(grantee.actor, "mine", undefined, true));
    const loads = streams.map((v) => vi.spyOn(v, "loadGrantOwners"));
    const batch = await rowsAfter(from);
    const seen = await Promise.all(streams.map((v) => visibleIn(v, batch)));
    expect(seen.map((rows) => rows.map((e) => e.newName))).toEqual(streams.map(() => ["Seen by all"]));
    expect(loads.reduce((n, spy) => n + spy.mock.calls.length, 0)).toBe(1);
  });

  it("a reader opened before someone joins a team folder (directly or through a group) carries its changes from then on, in the same batch too", async () => {
    const [editor, direct, grouped] = [await createTestUser(), await createTestUser(), await createTestUser()];
    const team = await createTeamFolder({ actor: cliActor, name: `Ops ${direct.user.id.slice(0, 6)}`, quotaBytes: 1 << 20 });
    await setTeamMember({ actor: cliActor, teamFolderId: team.id, email: editor.user.email, role: "EDITOR" });
    const group = await createGroup({ actor: cliActor, name: `Ops people ${direct.user.id.slice(0, 6)}` });
    await setTeamMember({ actor: cliActor, teamFolderId: team.id, groupId: group.id, role: "VIEWER" });
    // Readers that already know which drives their user covers: none of the team's yet.
    const forDirect = new ChangeVisibility(direct.actor, "mine", undefined, true);
    const forGrouped = new ChangeVisibility(grouped.actor, "mine", undefined, true);
    const forEditor = new ChangeVisibility(editor.actor, "mine", undefined, true);
    for (const v of [forDirect, forGrouped, forEditor]) await v.readerKey();
    const from = BigInt((await currentCursor({ actor: editor.actor })).cursor);

    const member = await setTeamMember({ actor: cliActor, teamFolderId: team.id, email: direct.user.email, role: "VIEWER" });
    await addGroupMember({ actor: cliActor, groupId: group.id, userId: grouped.user.id });
    await callerFor(editor.actor).drive.createFolder({ parentId: team.rootId, name: "Team news" });
    const batch = await rowsAfter(from);
    const seen = async (v: ChangeVisibility, rows: typeof batch) => (await visibleIn(v, rows)).map((e) => [e.kind, e.newName ?? e.oldName]);
    expect(await seen(forDirect, batch)).toEqual([["grant.added", team.name], ["folder.created", "Team news"]]);
    expect(await seen(forGrouped, batch)).toEqual([["grant.added", team.name], ["folder.created", "Team news"]]);
    // Someone else's joining is theirs alone: the editor sees the folder's change only.
    expect(await seen(forEditor, batch)).toEqual([["folder.created", "Team news"]]);

    // Removed: the person hears they lost it, and nothing from the folder after that.
    await removeTeamMember({ actor: cliActor, teamFolderId: team.id, memberId: member.id });
    await callerFor(editor.actor).drive.createFolder({ parentId: team.rootId, name: "After" });
    const next = await rowsAfter(batch.at(-1)!.seq);
    expect(await seen(forDirect, next)).toEqual([["grant.removed", team.name]]);
    expect(await seen(forGrouped, next)).toEqual([["folder.created", "After"]]);
  });

  it("an open event stream of a person added to a team folder carries the folder's changes without reconnecting", async () => {
    const [editor, newcomer] = [await createTestUser(), await createTestUser()];
    const team = await createTeamFolder({ actor: cliActor, name: `Live ${newcomer.user.id.slice(0, 6)}`, quotaBytes: 1 << 20 });
    await setTeamMember({ actor: cliActor, teamFolderId: team.id, email: editor.user.email, role: "EDITOR" });
    const res = await fetch(`${http.baseUrl}/api/events`, { headers: (await createTestToken(newcomer.actor)).headers });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const messages = sseMessages(reader);
    const pending: { data: string }[] = [];
    /** Change events until one named `name`; the test's own timeout ends a stream that never sends it. */
    const until = async (name: string) => {
      const got: [string, string | null][] = [];
      for (;;) {
        while (pending.length) {
          const c = JSON.parse(pending.shift()!.data) as { kind: string; newName: string | null };
          got.push([c.kind, c.newName]);
          if (c.newName === name) return got;
        }
        // next() by hand: a for-await loop left early would close the stream for the next call.
        const chunk = await messages.next();
        if (chunk.done) return got;
        pending.push(...chunk.value);
      }
    };
    // The stream is live (its own change reaches it) before the newcomer joins.
    const warm = until("warm");
    await callerFor(newcomer.actor).drive.createFolder({ name: "warm" });
    expect(await warm).toEqual([["folder.created", "warm"]]);
    const rest = until("Agenda");
    await setTeamMember({ actor: cliActor, teamFolderId: team.id, email: newcomer.user.email, role: "VIEWER" });
    await callerFor(editor.actor).drive.createFolder({ parentId: team.rootId, name: "Agenda" });
    expect(await rest).toEqual([["grant.added", team.name], ["folder.created", "Agenda"]]);
    await reader.cancel();
  }, 60_000);

  it("answers 401 without a session and 410 for a pruned cursor", async () => {
    expect((await fetch(`${http.baseUrl}/api/events`)).status).toBe(401);
    const owner = await createTestUser();
    const { headers } = await createTestToken(owner.actor);
    await callerFor(owner.actor).drive.createFolder({ name: "Old" });
    await pruneChangeLog({ now: new Date(Date.now() + 2 * 86_400_000), keepDays: 1 });
    const res = await fetch(`${http.baseUrl}/api/events`, { headers: { ...headers, "Last-Event-ID": "0" } });
    expect(res.status).toBe(410);
    expect(((await res.json()) as { message: string }).message).toMatch(/older than the oldest change kept/);
  });

  it("names the starting cursor as the first id, so a stream that drops before any change resumes there", async () => {
    const owner = await createTestUser();
    const { headers } = await createTestToken(owner.actor);
    await callerFor(owner.actor).drive.createFolder({ name: "Before" });
    const { cursor } = await currentCursor({ actor: owner.actor });
    const res = await fetch(`${http.baseUrl}/api/events`, { headers });
    const reader = res.body!.getReader();
    let first = "";
    while (!first.includes("\n\n")) first += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(/^id: (\d+)$/m.exec(first)?.[1]).toBe(cursor);
  });

  it("tells a grantee's stream alone of their new notification; sync clients never see it", async () => {
    const owner = await createTestUser();
    const grantee = await createTestUser();
    const bystander = await createTestUser();
    const folder = await callerFor(owner.actor).drive.createFolder({ name: "Team" });
    await callerFor(owner.actor).share.grant({ nodeId: folder.id, email: bystander.user.email, role: "VIEWER" });
    const { cursor } = await currentCursor({ actor: owner.actor });
    const streams = await Promise.all(
      [grantee, owner, bystander].map(async (u) => fetch(`${http.baseUrl}/api/events`, { headers: (await createTestToken(u.actor)).headers })),
    );
    const [toGrantee, toOwner, toBystander] = streams.map((s) => readEvents(s, 2)) as [ReturnType<typeof readEvents>, ReturnType<typeof readEvents>, ReturnType<typeof readEvents>];
    await new Promise((r) => setTimeout(r, 100));
    await callerFor(owner.actor).share.grant({ nodeId: folder.id, email: grantee.user.email, role: "EDITOR" });
    // A change after it, so the owner's and the teammate's streams have a second event.
    await callerFor(owner.actor).drive.createFolder({ name: "Inside", parentId: folder.id });
    expect((await toGrantee).slice(0, 2).map((e) => e.data.kind)).toEqual(["notification.created", "grant.added"]);
    // The owner and a teammate on the same folder see the grant and what follows, not the notice.
    expect((await toOwner).slice(0, 2).map((e) => e.data.kind)).toEqual(["grant.added", "folder.created"]);
    expect((await toBystander).slice(0, 2).map((e) => e.data.kind)).toEqual(["grant.added", "folder.created"]);
    const listed = await listChanges({ actor: grantee.actor, cursor });
    expect(listed.changes.map((c) => c.kind)).not.toContain("notification.created");
    expect(listed.changes.map((c) => c.kind)).toContain("grant.added");
  });

  it("drops a client that stops reading once its queue passes the cap; memory stays bounded", async () => {
    const owner = await createTestUser();
    const { headers } = await createTestToken(owner.actor);
    const root = await callerFor(owner.actor).drive.list({});
    // The earlier tests' streams end a moment after their readers cancel: at load 20 (run 14 of
    // session 15) three were still counted here and closed during the next line, which failed it.
    await vi.waitFor(() => expect(openEventStreams()).toBe(0), { timeout: 60_000, interval: 100 });
    const before = openEventStreams();
    const res = await fetch(`${http.baseUrl}/api/events`, { headers });
    expect(openEventStreams()).toBe(before + 1);
    // Never read: ~20 MB of changes fill the socket buffers, then the server's queue.
    const rows = 8000;
    const prisma = await getPrisma();
    await prisma.changeEvent.createMany({
      data: Array.from({ length: rows }, (_, i) => ({ kind: "folder.created", nodeId: root.folder.id, nodeKind: "FOLDER", ownerId: owner.user.id, newParentId: root.folder.id, newName: `${i}-${"x".repeat(2000)}` })),
    });
    const { cursor } = await currentCursor({ actor: owner.actor });
    await getChangeBus().publish(BigInt(cursor));
    // Up to 200 s: at load 20 (CI beside four other jobs) reading and filtering the 8,000 rows took
    // longer than the 90 s this waited before, and failed a check run with nothing wrong.
    await vi.waitFor(() => expect(openEventStreams()).toBe(before), { timeout: 200_000, interval: 200 });
    // The stream ends (the server ended it mid-body, so the reader errors) short of the whole log.
    const reader = res.body!.getReader();
    let bytes = 0;
    let ended = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        bytes += value.length;
      }
    } catch {
      // "terminated": the connection closed without the last chunk
    }
    ended = true;
    expect(ended).toBe(true);
    expect(bytes).toBeLessThan(rows * 2000);
  }, 240_000);
});

