import { expect, it } from "vitest";
import { callerFor, createTestUser } from "@/server/test/factories";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { getPrisma } from "@/server/db/client";
import { onChangeCommitted } from "@/server/webhooks/webhook-delivery";

useTestDatabase();

const pumps = async () => (await getPrisma()).queuedJob.count({ where: { kind: "webhooks.pump" } });

it("a change queues a webhook pass only while some hook could hear it", async () => {
  const owner = await createTestUser();
  const api = callerFor(owner.actor);
  await api.drive.createFolder({ name: "Nobody listens" });
  // No hook on the server: the change costs no queued pass.
  await onChangeCommitted();
  expect(await pumps()).toBe(0);

  await withTestEnv({ WEBHOOK_ALLOW_PRIVATE: "true" }, async () => {
    const { hook } = await api.webhooks.create({ url: "http://127.0.0.1:9/hook", kinds: ["folder.created"] });
    await onChangeCommitted();
    expect(await pumps()).toBe(1);

    // Turned off and on again on this replica: heard again at once, without waiting for the
    // remembered answer to lapse.
    await api.webhooks.update({ id: hook.id, active: false });
    await api.webhooks.update({ id: hook.id, active: true });
    await (await getPrisma()).queuedJob.deleteMany({ where: { kind: "webhooks.pump" } });
    await onChangeCommitted();
    expect(await pumps()).toBe(1);
  });
});
