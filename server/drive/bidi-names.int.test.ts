import { afterAll, beforeAll, describe, expect, it } from "vitest";
import superjson from "superjson";
import { createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

// "invoice\u202Efdp.exe" shows as "invoiceexe.pdf": every way a name gets in refuses it, in words.
const t = useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

const SPOOF = "invoice\u202Efdp.exe";
const MESSAGE = "A name cannot contain invisible text-direction characters: they can disguise a file's real type.";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const TUS = { "Tus-Resumable": "1.0.0" };

describe("names with text-direction characters", () => {
  it("are refused by folder create, rename and instant upload, over tRPC as a browser sees it", async () => {
    const { actor, user } = await createTestUser();
    const { headers: auth } = await createTestToken(actor);
    const call = async (path: string, input: unknown, locale = "en") => {
      const res = await fetch(`${http.baseUrl}/api/trpc/${path}`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json", "Accept-Language": locale },
        body: JSON.stringify(superjson.serialize(input)),
      });
      return { status: res.status, message: ((await res.json()) as { error: { json: { message: string } } }).error.json.message };
    };
    expect(await call("drive.createFolder", { name: "docs\u2067x" })).toEqual({ status: 400, message: MESSAGE });
    const file = await createTestFile({ actor, name: "invoice.pdf", content: "pdf" });
    expect(await call("drive.rename", { nodeId: file.id, name: SPOOF })).toEqual({ status: 400, message: MESSAGE });
    expect((await call("drive.rename", { nodeId: file.id, name: SPOOF }, "zh")).message).toBe("名称不能包含不可见的文字方向控制字符：它们可能伪装文件的真实类型。");
    const root = await t.prisma.node.findUniqueOrThrow({ where: { rootOwnerId: user.id } });
    expect(await call("upload.instantPrepare", { parentId: root.id, filename: SPOOF, size: 3, sha256: "a".repeat(64) })).toEqual({ status: 400, message: MESSAGE });
    expect(await t.prisma.node.count({ where: { ownerId: user.id, name: { contains: "\u202E" } } })).toBe(0);
  });

  it("are refused in tus metadata, as the file name or a folder of a dropped tree", async () => {
    const { actor } = await createTestUser();
    const { headers: auth } = await createTestToken(actor);
    for (const metadata of [`filename ${b64(SPOOF)}`, `filename ${b64("ok.txt")},relativePath ${b64("a/\u200Fb")}`]) {
      const res = await fetch(`${http.baseUrl}/api/upload`, { method: "POST", headers: { ...TUS, ...auth, "Upload-Length": "3", "Upload-Metadata": metadata } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toBe(MESSAGE);
    }
    expect(await t.prisma.uploadSession.count({ where: { userId: actor.userId } })).toBe(0);
  });

  it("are refused by WebDAV PUT, MKCOL and MOVE, with the same words", async () => {
    const { actor, user } = await createTestUser();
    const { token } = await createTestToken(actor, "dav");
    const auth = { Authorization: `Basic ${Buffer.from(`${user.email}:${token}`).toString("base64")}` };
    const dav = (path: string, method: string, headers: Record<string, string> = {}, body?: string) =>
      fetch(`${http.baseUrl}/dav/${path}`, { method, headers: { ...auth, ...headers }, body });
    const put = await dav(encodeURIComponent(SPOOF), "PUT", {}, "x");
    expect(put.status).toBe(400);
    expect((await put.text()).trim()).toBe(MESSAGE);
    expect((await dav(encodeURIComponent("dir\u2066"), "MKCOL")).status).toBe(400);
    expect((await dav("plain.txt", "PUT", {}, "x")).status).toBe(201);
    const move = await dav("plain.txt", "MOVE", { Destination: `${http.baseUrl}/dav/${encodeURIComponent(SPOOF)}` });
    expect(move.status).toBe(400);
    expect(await t.prisma.node.count({ where: { ownerId: user.id, name: { contains: "\u202E" } } })).toBe(0);
  });
});
