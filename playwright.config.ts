import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// The server is the production build (`npm run build`), started fresh on an empty data directory
// by scripts/e2e-server.mjs. The port comes from the test script (a free one), 3457 by default.
const port = Number(process.env.E2E_PORT ?? 3457);
const baseURL = `http://127.0.0.1:${port}`;
// Known to the tests too, so they can use the admin CLI on the running server (seeding big folders).
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `yunpan-e2e-${port}`);
// Webhook receivers in the specs listen on loopback, which the server refuses unless allowed.
process.env.WEBHOOK_ALLOW_PRIVATE = "true";

// E2E_S3=1 (under scripts/with-s3.mjs): the server stores on that S3 endpoint, so specs that need
// S3 (direct upload) run; they skip otherwise.
const s3Env: Record<string, string> =
  process.env.E2E_S3 === "1" && process.env.TEST_S3_ENDPOINT
    ? {
        STORAGE: "s3",
        S3_ENDPOINT: process.env.TEST_S3_ENDPOINT,
        S3_REGION: process.env.TEST_S3_REGION ?? "us-east-1",
        S3_BUCKET: process.env.TEST_S3_BUCKET ?? "yunpan-test",
        S3_ACCESS_KEY_ID: process.env.TEST_S3_ACCESS_KEY_ID ?? "",
        S3_SECRET_ACCESS_KEY: process.env.TEST_S3_SECRET_ACCESS_KEY ?? "",
      }
    : {};

export default defineConfig({
  testDir: "e2e",
  outputDir: process.env.E2E_OUTPUT_DIR ?? "test-results/e2e",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    acceptDownloads: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // No background traffic: this machine has no network but loopback.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      ],
    },
  },
  webServer: {
    command: `node scripts/e2e-server.mjs`,
    url: `${baseURL}/api/health`,
    timeout: 240_000, // a cold start on a busy machine, as in server/test/server-process.ts
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { PORT: String(port), BASE_URL: baseURL, NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn", E2E_DATA_DIR: process.env.E2E_DATA_DIR, ...s3Env },
  },
});
