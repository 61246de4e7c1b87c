import { defineConfig } from "prisma/config";

// The CLI is only used for `generate` here: migrations go through scripts/migrate-tool.ts,
// because the native schema engine cannot be downloaded on offline machines.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
