import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { uniqueEmail, TEST_PASSWORD } from "@/server/test/factories";
import { startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

// A bug inside a procedure (here V8's own message, as a 600 MB body once produced) must reach the
// caller as a translated message with the request id, never as its own text.
const V8_TEXT = "Cannot create a string longer than 0x1fffffe8 characters";
vi.mock("@/server/auth/auth.service", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/auth/auth.service")>()),
  signUp: () => Promise.reject(new RangeError(V8_TEXT)),
}));

useTestDatabase();
let server: HttpHarness;
beforeAll(async () => {
  server = await startHttpHarness();
});
afterAll(() => server?.close());

type ErrorBody = { error: { json: { message: string; data: { code: string } } } };

describe("internal errors over tRPC", () => {
  it("answer a generic message with the request id, not the error's text", async () => {
    const res = await fetch(`${server.baseUrl}/api/trpc/auth.signUp`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "req-internal-0001" },
      body: JSON.stringify(superjson.serialize({ email: uniqueEmail(), name: "Bug", password: TEST_PASSWORD })),
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("Cannot create a string");
    expect(text).not.toContain("RangeError");
    const body = JSON.parse(text) as ErrorBody;
    expect(body.error.json.data.code).toBe("INTERNAL_SERVER_ERROR");
    expect(body.error.json.message).toBe(
      "Something went wrong on the server. Nothing was lost; please try again. If it keeps happening, give your administrator this request ID: req-internal-0001",
    );
  });

  it("in Chinese for a Chinese browser", async () => {
    const res = await fetch(`${server.baseUrl}/api/trpc/auth.signUp`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": "zh-CN", "X-Request-Id": "req-internal-0002" },
      body: JSON.stringify(superjson.serialize({ email: uniqueEmail(), name: "Bug", password: TEST_PASSWORD })),
    });
    const body = (await res.json()) as ErrorBody;
    expect(body.error.json.message).toContain("服务器出错");
    expect(body.error.json.message).toContain("req-internal-0002");
    expect(body.error.json.message).not.toContain("Cannot create");
  });
});
