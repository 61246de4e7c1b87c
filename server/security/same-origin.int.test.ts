import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestUser, uniqueEmail, TEST_PASSWORD } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

// Writes carrying another website's Origin are refused on every path that changes something;
// the same requests from our own origin, or with no Origin at all (API clients), still work.
const t = useTestDatabase(); // BASE_URL is http://127.0.0.1:3000
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

const EVIL = "https://evil.example";
const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s).toString("base64");
type ErrorBody = { error: { json: { message: string; data: { code: string } } } };

function signUp(origin?: string) {
  return fetch(`${http.baseUrl}/api/trpc/auth.signUp`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(origin ? { Origin: origin } : {}) },
    body: JSON.stringify(superjson.serialize({ email: uniqueEmail(), name: "Origin Test", password: TEST_PASSWORD })),
  });
}

describe("Origin check on writes", () => {
  it("refuses a tRPC mutation from another website, and nothing runs", async () => {
    const before = await t.prisma.user.count();
    const res = await signUp(EVIL);
    expect(res.status).toBe(403);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.json.message).toBe("This request came from another website and was refused. Open Yunpan at its own address and try again.");
    expect(await signUp("null").then((r) => r.status)).toBe(403);
    expect(await t.prisma.user.count()).toBe(before);
  });

  it("accepts a mutation from BASE_URL's origin, from the host it was sent to, or without Origin", async () => {
    expect((await signUp("http://127.0.0.1:3000")).status).toBe(200);
    expect((await signUp(http.baseUrl)).status).toBe(200);
    expect((await signUp()).status).toBe(200);
  });

  it("lets reads through whatever their Origin (queries change nothing)", async () => {
    const res = await fetch(`${http.baseUrl}/api/trpc/auth.config`, { headers: { Origin: EVIL } });
    expect(res.status).toBe(200);
  });

  it("refuses tus POST, PATCH and DELETE from another website; API clients without Origin keep working", async () => {
    const { actor, user } = await createTestUser();
    const { headers: auth } = await createTestToken(actor);
    const create = (origin?: Record<string, string>) =>
      fetch(`${http.baseUrl}/api/upload`, { method: "POST", headers: { ...TUS, ...auth, ...origin, "Upload-Length": "4", "Upload-Metadata": `filename ${b64("o.txt")}` } });
    const foreign = await create({ Origin: EVIL });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { message: string }).message).toContain("another website");
    expect(await t.prisma.uploadSession.count({ where: { userId: user.id } })).toBe(0);

    const ok = await create();
    expect(ok.status).toBe(201);
    const url = new URL(ok.headers.get("location")!, http.baseUrl).toString();
    const patch = (origin?: Record<string, string>) =>
      fetch(url, { method: "PATCH", headers: { ...TUS, ...auth, ...origin, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }, body: "abcd" });
    expect((await patch({ Origin: EVIL })).status).toBe(403);
    const head = await fetch(url, { method: "HEAD", headers: { ...TUS, ...auth } });
    expect(head.headers.get("upload-offset")).toBe("0");
    expect((await fetch(url, { method: "DELETE", headers: { ...TUS, ...auth, Origin: EVIL } })).status).toBe(403);
    expect((await patch({ Origin: http.baseUrl })).status).toBe(204);
  });

  it("refuses a share drop and a share unlock from another website", async () => {
    const owner = await createTestUser();
    const inbox = await callerFor(owner.actor).drive.createFolder({ name: "Inbox" });
    const { token } = await callerFor(owner.actor).share.createLink({ nodeId: inbox.id, permission: "UPLOAD", password: "drop it here" });
    const unlock = (origin?: Record<string, string>) =>
      fetch(`${http.baseUrl}/api/s/${token}/unlock`, { method: "POST", headers: { "Content-Type": "application/json", ...origin }, body: JSON.stringify({ password: "drop it here" }) });
    const refused = await unlock({ Origin: EVIL });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("set-cookie")).toBeNull();
    const drop = await fetch(`${http.baseUrl}/api/upload`, {
      method: "POST",
      headers: { ...TUS, Origin: EVIL, "X-Yunpan-Share": token, "Upload-Length": "3", "Upload-Metadata": `filename ${b64("d.txt")}` },
    });
    expect(drop.status).toBe(403);
    expect((await unlock()).status).toBe(204);
  });

  it("refuses a WebDAV write from another website; a WebDAV client (no Origin) writes", async () => {
    const { actor, user } = await createTestUser();
    const { token } = await createTestToken(actor, "dav");
    const auth = { Authorization: `Basic ${Buffer.from(`${user.email}:${token}`).toString("base64")}` };
    expect((await fetch(`${http.baseUrl}/dav/x.txt`, { method: "PUT", headers: { ...auth, Origin: EVIL }, body: "x" })).status).toBe(403);
    expect(await t.prisma.node.count({ where: { ownerId: user.id, name: "x.txt" } })).toBe(0);
    expect((await fetch(`${http.baseUrl}/dav/x.txt`, { method: "PUT", headers: auth, body: "x" })).status).toBe(201);
  });
});
