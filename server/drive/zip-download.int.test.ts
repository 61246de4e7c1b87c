import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import { readZip } from "@/server/test/zip-reader";

useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

const hasUnzip = spawnSync("unzip", ["-v"]).status === 0;

async function getZip(ids: string[], headers: Record<string, string>, method = "GET") {
  return fetch(`${http.baseUrl}/api/zip?ids=${ids.join(",")}`, { method, headers });
}

/** Extracts with Info-ZIP into a temp dir and returns path → bytes of every extracted file. */
function unzipAll(zip: Buffer, expectedPaths: string[]): Map<string, Buffer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "yp-unzip-"));
  try {
    writeFileSync(path.join(dir, "a.zip"), zip);
    execFileSync("unzip", ["-q", "a.zip", "-d", "out"], { cwd: dir });
    return new Map(expectedPaths.map((p) => [p, readFileSync(path.join(dir, "out", p))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("GET /api/zip", () => {
  it("streams a folder as <name>.zip with every file's bytes, empty folders and Chinese names", async () => {
    const { actor } = await createTestUser();
    const { headers } = await createTestToken(actor);
    const drive = callerFor(actor).drive;
    const folder = await drive.createFolder({ name: "季度资料" });
    const sub = await drive.createFolder({ name: "子目录", parentId: folder.id });
    await drive.createFolder({ name: "空", parentId: folder.id });
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const files = {
      "季度资料/季度报告2026.xlsx": Buffer.from("表格内容"),
      "季度资料/子目录/big.bin": big,
      "季度资料/子目录/same.bin": big, // the same blob twice
      "季度资料/empty.txt": Buffer.alloc(0),
    };
    await createTestFile({ actor, name: "季度报告2026.xlsx", parentId: folder.id, content: files["季度资料/季度报告2026.xlsx"] });
    await createTestFile({ actor, name: "big.bin", parentId: sub.id, content: big });
    await createTestFile({ actor, name: "same.bin", parentId: sub.id, content: big });
    await createTestFile({ actor, name: "empty.txt", parentId: folder.id, content: Buffer.alloc(0) });
    const gone = await createTestFile({ actor, name: "trashed.txt", parentId: folder.id });
    await drive.trash({ nodeIds: [gone.id] });

    const res = await getZip([folder.id], headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="____.zip"; filename*=UTF-8''${encodeURIComponent("季度资料.zip")}`,
    );
    const zip = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(zip.length);

    const { entries } = readZip(zip);
    expect(entries.map((e) => e.name).sort()).toEqual(
      ["季度资料/", "季度资料/子目录/", "季度资料/空/", ...Object.keys(files)].sort(),
    );
    for (const [name, bytes] of Object.entries(files)) expect(entries.find((e) => e.name === name)!.data.equals(bytes)).toBe(true);

    if (hasUnzip) {
      const extracted = unzipAll(zip, Object.keys(files));
      for (const [name, bytes] of Object.entries(files)) expect(extracted.get(name)!.equals(bytes), name).toBe(true);
    }

    const head = await getZip([folder.id], headers, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(zip.length));
  });

  it("zips a selection of siblings as download.zip, and refuses ids from different folders", async () => {
    const { actor } = await createTestUser();
    const { headers } = await createTestToken(actor);
    const drive = callerFor(actor).drive;
    const a = await createTestFile({ actor, name: "a.txt", content: "A" });
    const dir = await drive.createFolder({ name: "dir" });
    const inner = await createTestFile({ actor, name: "b.txt", parentId: dir.id, content: "B" });
    const res = await getZip([a.id, dir.id], headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain('filename="download.zip"');
    const { entries } = readZip(Buffer.from(await res.arrayBuffer()));
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ["a.txt", "A"],
      ["dir/", ""],
      ["dir/b.txt", "B"],
    ]);

    const mixed = await getZip([a.id, inner.id], headers);
    expect(mixed.status).toBe(400);
    expect(await mixed.json()).toEqual({ code: "BAD_REQUEST", message: "Items downloaded together must be in the same folder." });
    expect((await getZip(["not-a-uuid"], headers)).status).toBe(400);
    expect((await getZip([], headers)).status).toBe(400);
  });

  it("names entries without backslashes, drive letters or .. segments, unique within the archive", async () => {
    const { actor } = await createTestUser();
    const { headers } = await createTestToken(actor);
    const drive = callerFor(actor).drive;
    const names = await drive.createFolder({ name: "names" });
    const sub = await drive.createFolder({ name: "C:\\sub", parentId: names.id });
    await createTestFile({ actor, name: "..\\..\\evil.txt", parentId: names.id, content: "evil" });
    await createTestFile({ actor, name: ".._.._evil.txt", parentId: names.id, content: "plain" });
    await createTestFile({ actor, name: "a:b.txt", parentId: sub.id, content: "stream" });

    const res = await getZip([names.id], headers);
    expect(res.status).toBe(200);
    const zip = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(zip.length);
    const { entries } = readZip(zip);
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ["names/", ""],
      ["names/.._.._evil (1).txt", "evil"],
      ["names/.._.._evil.txt", "plain"],
      ["names/C__sub/", ""],
      ["names/C__sub/a_b.txt", "stream"],
    ]);
    for (const e of entries) expect(e.name).not.toMatch(/\\|:|(^|\/)\.\.(\/|$)/);
  });

  it("answers another user's ids exactly like random ids, and needs a session", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const bobAuth = (await createTestToken(bob.actor)).headers;
    const secret = await createTestFile({ actor: alice.actor, name: "secret.txt", content: "secret" });
    const mine = await createTestFile({ actor: bob.actor, name: "mine.txt", content: "mine" });

    const random = await getZip([randomUUID()], bobAuth);
    const foreign = await getZip([secret.id], bobAuth);
    const mixed = await getZip([mine.id, secret.id], bobAuth);
    expect(random.status).toBe(404);
    expect(foreign.status).toBe(404);
    expect(mixed.status).toBe(404);
    const body = await random.json();
    expect(await foreign.json()).toEqual(body);
    expect(await mixed.json()).toEqual(body);
    expect((await getZip([mine.id], {})).status).toBe(401);
  });
});
