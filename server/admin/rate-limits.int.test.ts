import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { countAttempt, limits, resetLimit } from "@/server/security/rate-limit";
import { createContext } from "@/server/trpc/init";
import { createCaller } from "@/server/runtime/trpc-router";
import { handleTrpcRequest } from "@/server/runtime/trpc-fetch-handler";
import { createUploadSession } from "@/server/upload/upload.service";

useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http.close());

/** Uses up all but `left` attempts of a limit for a key, as that many earlier requests would. */
async function spend(name: keyof typeof limits, key: string, left = 0) {
  for (let i = 0; i < limits[name].points - left; i++) await countAttempt(name, key);
}

test("an API token past its request limit gets 429 with Retry-After on every transport; other tokens go on", async () => {
  const { actor } = await createTestUser();
  const file = await createTestFile({ actor, name: "a.txt", content: "hi" });
  const busy = await createTestToken(actor, "busy script");
  const calm = await createTestToken(actor, "calm script");
  const url = `${http.baseUrl}/api/files/${file.id}/content`;
  await spend("apiTokenUse", busy.apiToken.id, 1);
  expect((await fetch(url, { headers: busy.headers })).status).toBe(200);
  const limited = await fetch(url, { headers: busy.headers });
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  const tus = await fetch(`${http.baseUrl}/api/upload`, { method: "POST", headers: { ...busy.headers, "Tus-Resumable": "1.0.0", "Upload-Length": "1" } });
  expect(tus.status).toBe(429);
  await expect(createContext({ authorization: busy.headers.Authorization! })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  const trpc = await handleTrpcRequest(new Request("http://localhost/api/trpc/auth.me", { headers: busy.headers }));
  expect(trpc.status).toBe(429);
  expect(Number(trpc.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await fetch(url, { headers: calm.headers })).status).toBe(200);
  const me = await createCaller(await createContext({ authorization: calm.headers.Authorization! })).auth.me();
  expect(me.id).toBe(actor.userId);
  const fine = await handleTrpcRequest(new Request("http://localhost/api/trpc/auth.me", { headers: calm.headers }));
  expect(fine.status).toBe(200);
  expect(fine.headers.get("retry-after")).toBeNull();
  await resetLimit("apiTokenUse", busy.apiToken.id);
});

test("creating tokens and uploads is limited per user", async () => {
  const { actor } = await createTestUser();
  const other = await createTestUser();
  await spend("apiTokenCreate", actor.userId);
  await expect(callerFor(actor).auth.tokens.create({ name: "one more" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  await spend("uploadCreate", actor.userId);
  const id = () => randomBytes(16).toString("hex");
  await expect(createUploadSession({ actor, uploadId: id(), size: 1, metadata: { filename: "x", parentId: null } })).rejects.toMatchObject({
    code: "TOO_MANY_REQUESTS",
    retryAfterSeconds: expect.any(Number),
  });
  // Someone else is not affected.
  await expect(createUploadSession({ actor: other.actor, uploadId: id(), size: 1, metadata: { filename: "x", parentId: null } })).resolves.toBeUndefined();
});
