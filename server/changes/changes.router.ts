import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import { listChangesSchema, waitChangesSchema } from "@/server/changes/changes.schemas";
import { currentCursor, listChanges, waitForChanges } from "@/server/changes/change-feed.service";

/** The cursor API for sync clients (Dropbox's list_folder/continue + longpoll shape). */
export const changesRouter = createTRPCRouter({
  cursor: protectedProcedure.query(({ ctx }) => currentCursor({ actor: ctx.actor })),
  list: protectedProcedure.input(listChangesSchema).query(({ input, ctx }) => listChanges({ actor: ctx.actor, ...input })),
  wait: protectedProcedure.input(waitChangesSchema).query(({ input, ctx, signal }) => waitForChanges({ actor: ctx.actor, ...input, signal })),
});
