import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";

const t = useTestDatabase();

// Every pooled connection runs without JIT (db/client.ts): a grantee's search once spent ~190 ms
// compiling a query that ran in ~100 ms. Each of several connections says so, not just the first.
test.skipIf(!process.env.TEST_POSTGRES_URL)("PostgreSQL connections from the pool run with JIT off", async () => {
  const settings = await Promise.all(
    Array.from({ length: 4 }, () => t.prisma.$transaction(async (tx) => (await tx.$queryRaw<{ jit: string }[]>`SHOW jit`)[0]!.jit)),
  );
  expect(settings).toEqual(["off", "off", "off", "off"]);
});
