import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "@/server/env";
import { createTestUser } from "@/server/test/factories";
import { createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { useTestDatabase } from "@/server/test/test-db";

// litmus 0.13 (Debian's package) is the WebDAV conformance suite. Each group runs on its own, so
// one group's failure does not hide the next (the litmus wrapper stops at the first failing one).
const GROUPS = ["basic", "copymove", "props", "locks", "http"] as const;

/**
 * The only tests allowed to fail, and why: litmus builds their `If` header in a 200-byte buffer,
 * and with our ETag (the file's sha256, 64 hex digits, used twice) the header is cut mid-etag, so
 * the server rightly answers 400 to a malformed header. Verified by logging the header received:
 * `(<opaquelocktoken:…> ["a6fe…ac"]) (Not <DAV:no-lock> ["a6fe3464…935ce` (200 bytes, unterminated).
 */
const KNOWN_LITMUS_TRUNCATION = new Set(["complex_cond_put", "fail_complex_cond_put"]);

useTestDatabase();
let http: HttpHarness;
beforeAll(async () => {
  http = await startHttpHarness();
});
afterAll(() => http?.close());

function runLitmus(group: string, url: string, user: string, pass: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("litmus", [url, user, pass], {
      // litmus writes debug.log into its working directory: a throwaway one.
      cwd: getEnv().dataDir,
      env: { ...process.env, TESTS: group },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

describe("litmus against /dav/", () => {
  for (const group of GROUPS) {
    it(`passes the ${group} group`, { timeout: 180_000 }, async () => {
      const { user, actor } = await createTestUser();
      const { token } = await createTestToken(actor, "litmus");
      const output = await runLitmus(group, `${http.baseUrl}/dav/`, user.email, token);
      const summary = new RegExp(`<- summary for \`${group}': of (\\d+) tests run: (\\d+) passed, (\\d+) failed`).exec(output);
      expect(summary, output).not.toBeNull();
      const failed = [...output.matchAll(/^\s*\d+\.\s+(\w+)\.*\s.*?FAIL \((.*)\)$/gm)].map((m) => m[1]!);
      expect(failed.filter((name) => !KNOWN_LITMUS_TRUNCATION.has(name)), output).toEqual([]);
      expect(Number(summary![1])).toBeGreaterThan(2);
      console.log(`litmus ${group}: ${summary![0].slice(3)}${failed.length ? ` (failing: ${failed.join(", ")})` : ""}`);
    });
  }
});
