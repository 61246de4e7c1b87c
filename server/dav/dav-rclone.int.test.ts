import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "@/server/env";
import { callerFor, createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";
import type { Actor } from "@/server/auth/actor";

// rclone (Debian's package) as a real WebDAV client: a tree of 1,000 files with Chinese and emoji
// names up and back down, and a 1 GiB file made at run time, round-tripped with the same sha256.
useTestDatabase();
let http: HttpHarness;
let actor: Actor;
let work: string;
let rcloneEnv: Record<string, string>;

beforeAll(async () => {
  http = await startHttpHarness();
  const created = await createTestUser();
  actor = created.actor;
  const { token } = await createTestToken(actor, "rclone");
  work = path.join(getEnv().dataDir, "rclone-work");
  await mkdir(work, { recursive: true });
  const obscured = (await rclone(["obscure", token], {})).stdout.trim();
  rcloneEnv = {
    RCLONE_CONFIG_YP_TYPE: "webdav",
    RCLONE_CONFIG_YP_URL: `${http.baseUrl}/dav/`,
    RCLONE_CONFIG_YP_VENDOR: "other",
    RCLONE_CONFIG_YP_USER: created.user.email,
    RCLONE_CONFIG_YP_PASS: obscured,
  };
});
afterAll(() => http?.close());

// Generous limits: on a 2-core machine at load 20 (CI beside other jobs) a 1,000-file sync took
// over 10 minutes, and being killed by the timer then failed the run. A hang still ends.
function rclone(args: string[], env: Record<string, string>, timeoutMs = 1_500_000): Promise<{ stdout: string; stderr: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("rclone", ["--config", path.join(work, "rclone.conf"), "--low-level-retries", "1", "--retries", "1", ...args], {
      env: { ...process.env, HOME: work, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve({ stdout, stderr, seconds });
      else reject(new Error(`rclone ${args.join(" ")} exited with ${code}:\n${stderr}`));
    });
  });
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const NAMES = ["文档", "照片 📷", "报告-2026", "🎉 party", "数据"];

async function makeTree(root: string, count: number) {
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, NAMES[i % NAMES.length]!, `子目录 ${i % 4}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `文件 ${i} ✨.txt`), randomBytes(200 + (i % 50) * 40));
  }
}

describe("rclone over /dav/", () => {
  it("syncs a tree of 1,000 files with Chinese and emoji names up and back, with no difference", { timeout: 3_000_000 }, async () => {
    const src = path.join(work, "tree");
    const back = path.join(work, "tree-back");
    await makeTree(src, 1000);

    const up = await rclone(["sync", src, "yp:tree", "--transfers", "4", "--checkers", "4"], rcloneEnv);
    // No hashes over plain WebDAV: --download compares every file's bytes.
    await rclone(["check", src, "yp:tree", "--download"], rcloneEnv);
    const down = await rclone(["sync", "yp:tree", back, "--transfers", "4"], rcloneEnv);
    await rclone(["check", src, back], rcloneEnv);
    console.log(`rclone 1,000 files: sync up ${up.seconds.toFixed(1)} s, sync down ${down.seconds.toFixed(1)} s`);

    // The uploads are ordinary drive files: the web UI's API lists them.
    const api = callerFor(actor);
    const root = await api.drive.list({});
    const tree = root.items.find((n) => n.name === "tree")!;
    const top = await api.drive.list({ folderId: tree.id });
    expect(top.items.map((n) => n.name).sort()).toEqual([...NAMES].sort());

    // Overwriting a file (new size) through rclone adds a version to it.
    const changed = path.join(src, NAMES[0]!, "子目录 0", "文件 0 ✨.txt");
    await writeFile(changed, "a new version of the file\n");
    await rclone(["sync", src, "yp:tree"], rcloneEnv);
    const folder = (await api.drive.list({ folderId: top.items.find((n) => n.name === NAMES[0])!.id })).items.find((n) => n.name === "子目录 0")!;
    const file = (await api.drive.list({ folderId: folder.id })).items.find((n) => n.name === "文件 0 ✨.txt")!;
    const versions = await api.drive.versions({ nodeId: file.id });
    expect(versions).toHaveLength(2);
    const again = path.join(work, "one-file");
    await rclone(["copyto", `yp:tree/${NAMES[0]}/子目录 0/文件 0 ✨.txt`, again], rcloneEnv);
    expect(await readFile(again, "utf8")).toBe("a new version of the file\n");
  });

  it("round-trips a 1 GiB file made at run time with the same sha256", { timeout: 3_000_000 }, async () => {
    const big = path.join(work, "big.bin");
    const back = path.join(work, "big-back.bin");
    const out = createWriteStream(big);
    const block = randomBytes(1024 * 1024);
    for (let i = 0; i < 1024; i++) {
      // Each MiB differs (its index in the first bytes), so no two parts are alike.
      block.writeUInt32BE(i, 0);
      if (!out.write(Buffer.from(block))) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const expected = await sha256File(big);

    const up = await rclone(["copyto", big, "yp:big.bin"], rcloneEnv);
    const down = await rclone(["copyto", "yp:big.bin", back], rcloneEnv);
    expect(await sha256File(back)).toBe(expected);
    const listed = (await callerFor(actor).drive.list({})).items.find((n) => n.name === "big.bin");
    expect(listed?.size).toBe(1024 * 1024 * 1024);
    console.log(`rclone 1 GiB: upload ${up.seconds.toFixed(1)} s (${(1024 / up.seconds).toFixed(0)} MiB/s), download ${down.seconds.toFixed(1)} s (${(1024 / down.seconds).toFixed(0)} MiB/s)`);
    await rm(big, { force: true });
    await rm(back, { force: true });
  });
});
