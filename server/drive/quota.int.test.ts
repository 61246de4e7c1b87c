import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { createUploadSession } from "@/server/upload/upload.service";

const t = useTestDatabase();
const MiB = 1024 * 1024;

test("parallel uploads cannot exceed the quota together", async () => {
  const { user, actor } = await createTestUser();
  await t.prisma.user.update({ where: { id: user.id }, data: { quotaBytes: BigInt(10 * MiB) } });
  const root = (await callerFor(actor).drive.list({})).folder.id;
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) =>
      createUploadSession({ actor, uploadId: randomBytes(16).toString("hex"), size: 2 * MiB, metadata: { filename: `p${i}.bin`, parentId: root } }),
    ),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(refused).toHaveLength(5);
  for (const r of refused) expect(r.reason).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  const reserved = await t.prisma.uploadSession.aggregate({ where: { chargedToId: user.id, status: "ACTIVE" }, _sum: { reservedBytes: true } });
  expect(reserved._sum.reservedBytes).toBe(BigInt(10 * MiB));
});

test("the refusal names what is needed and what is left, in the user's language", async () => {
  const { user, actor } = await createTestUser();
  await t.prisma.user.update({ where: { id: user.id }, data: { quotaBytes: BigInt(3 * MiB) } });
  await createTestFile({ actor, name: "a.bin", content: randomBytes(MiB) });
  const root = (await callerFor(actor).drive.list({})).folder.id;
  const attempt = createUploadSession({ actor, uploadId: randomBytes(16).toString("hex"), size: 5 * MiB, metadata: { filename: "big.bin", parentId: root } });
  await expect(attempt).rejects.toThrow("Not enough space: this file needs 5.0 MiB, and 2.0 MiB of your quota is left.");
  const err = (await attempt.catch((e: unknown) => e)) as { localized(l: "zh"): string };
  expect(err.localized("zh")).toBe("空间不足：此文件需要 5.0 MiB，您的配额仅剩 2.0 MiB。");
});
