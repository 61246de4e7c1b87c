import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@/": root } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["server/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.prod.test.ts", "node_modules/**"],
          // Some unit tests run a tool (promtool, unzip): vitest's 5 s default failed them on a
          // busy 2-core machine (CI with the bench beside it), though nothing was wrong.
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["server/**/*.int.test.ts", "scripts/**/*.int.test.ts"],
          // Generous on purpose: with the bench and other work beside the test command (load 24 on
          // 2 cores), opening a fresh PGlite database took over 120 s (run F, session 8).
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // PGlite needs ~400 MB a file; two cores cannot use more workers anyway.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        // Tests of the built server (dist/server.mjs): the test command runs them after `npm run build`.
        test: { name: "production", include: ["server/**/*.prod.test.ts"], testTimeout: 600_000, hookTimeout: 300_000, maxWorkers: 1, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
