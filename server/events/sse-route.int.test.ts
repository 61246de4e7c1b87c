import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { pruneChangeLog } from "@/server/events/change-feed.service";

useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

/** Reads SSE messages from a stream until `count` change events arrived. */
async function readEvents(res: Response, count: number): Promise<{ id: string; data: { kind: string; newName: string | null } }[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const events: { id: string; data: { kind: string; newName: string | null } }[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id && data) events.push({ id, data: JSON.parse(data) });
    }
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
});
