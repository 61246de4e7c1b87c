import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import { listNotificationsSchema, markReadSchema } from "@/server/notify/notify.schemas";
import { countUnreadNotifications, listNotifications, markNotificationsRead } from "@/server/notify/notify.service";

export const notifyRouter = createTRPCRouter({
  list: protectedProcedure.input(listNotificationsSchema).query(({ input, ctx }) => listNotifications({ actor: ctx.actor, ...input })),
  unread: protectedProcedure.query(({ ctx }) => countUnreadNotifications({ actor: ctx.actor })),
  markRead: protectedProcedure.input(markReadSchema).mutation(({ input, ctx }) => markNotificationsRead({ actor: ctx.actor, ...input })),
});
