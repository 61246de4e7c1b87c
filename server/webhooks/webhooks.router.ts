import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import { createHookSchema, deliveriesSchema, hookIdSchema, listHooksSchema, redeliverSchema, updateHookSchema } from "@/server/webhooks/webhooks.schemas";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, redeliver, sendTestEvent, updateWebhook } from "@/server/webhooks/webhooks.service";

/** Signed webhooks: one's own (Settings → Integrations); `admin: true` reaches every hook (Admin → Webhooks). */
export const webhooksRouter = createTRPCRouter({
  list: protectedProcedure.input(listHooksSchema).query(({ input, ctx }) => listWebhooks({ actor: ctx.actor, ...input })),
  create: protectedProcedure.input(createHookSchema).mutation(({ input, ctx }) => createWebhook({ actor: ctx.actor, ...input })),
  update: protectedProcedure.input(updateHookSchema).mutation(({ input, ctx }) => updateWebhook({ actor: ctx.actor, ...input })),
  delete: protectedProcedure.input(hookIdSchema).mutation(({ input, ctx }) => deleteWebhook({ actor: ctx.actor, ...input })),
  test: protectedProcedure.input(hookIdSchema).mutation(({ input, ctx }) => sendTestEvent({ actor: ctx.actor, ...input })),
  redeliver: protectedProcedure.input(redeliverSchema).mutation(({ input, ctx }) => redeliver({ actor: ctx.actor, ...input })),
  deliveries: protectedProcedure.input(deliveriesSchema).query(({ input, ctx }) => listDeliveries({ actor: ctx.actor, ...input })),
});
