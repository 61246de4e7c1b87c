import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import { listUnfinishedUploads } from "@/server/upload/upload.service";

export const uploadRouter = createTRPCRouter({
  unfinished: protectedProcedure.query(({ ctx }) => listUnfinishedUploads({ actor: ctx.actor })),
});
