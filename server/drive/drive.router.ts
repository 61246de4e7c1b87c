import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import { createFolderSchema, listFolderSchema } from "@/server/drive/drive.schemas";
import { createFolder, listFolder } from "@/server/drive/drive.service";

export const driveRouter = createTRPCRouter({
  list: protectedProcedure.input(listFolderSchema).query(({ input, ctx }) => listFolder({ actor: ctx.actor, ...input })),
  createFolder: protectedProcedure.input(createFolderSchema).mutation(({ input, ctx }) => createFolder({ actor: ctx.actor, ...input })),
});
