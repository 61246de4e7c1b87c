// What a newcomer sees when the README's command starts the server: its URL, and no warning that
// is not theirs to act on (Next's "next start does not work with output: standalone", npm's
// EBADENGINE, Node's experimental or deprecation notices). Runs after the production build.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startProductionServer, type ProductionServer } from "@/server/test/production-server";

let server: ProductionServer;

beforeAll(async () => {
  // The README's defaults: info-level logging, nothing configured but the data directory.
  server = await startProductionServer({ LOG_LEVEL: "info" });
});
afterAll(() => server?.stop());

describe("the start log of the production server", () => {
  test("prints where Yunpan runs and no warning that is not the user's business", async () => {
    // One page render, so Next's lazy warnings (if any) have had their chance to print.
    expect((await fetch(`${server.url}/sign-in`)).status).toBe(200);
    const log = server.log();
    expect(log).toMatch(/Yunpan is running at http:\/\//);
    for (const noise of [/next start/i, /output: standalone/i, /EBADENGINE/, /ExperimentalWarning/, /DeprecationWarning/, /\(node:\d+\) /]) {
      expect(log, `start log contains ${noise}`).not.toMatch(noise);
    }
  });
});
