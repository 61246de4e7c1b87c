import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import { listUnfinishedUploads } from "@/server/upload/upload.service";
import { commitInstantUpload, prepareInstantUpload } from "@/server/upload/instant-upload.service";
import { instantCommitSchema, instantPrepareSchema } from "@/server/upload/instant-upload.schemas";

export const uploadRouter = createTRPCRouter({
  unfinished: protectedProcedure.query(({ ctx }) => listUnfinishedUploads({ actor: ctx.actor })),
  instantPrepare: protectedProcedure.input(instantPrepareSchema).mutation(({ input, ctx }) => prepareInstantUpload({ actor: ctx.actor, ...input })),
  instantCommit: protectedProcedure.input(instantCommitSchema).mutation(({ input, ctx }) => commitInstantUpload({ actor: ctx.actor, ...input })),
});
