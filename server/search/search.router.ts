import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import { contentSearchSchema, reindexSchema } from "@/server/search/search.schemas";
import { searchContent } from "@/server/search/content-search.service";
import { getSearchIndexState, reindexFiles } from "@/server/search/search-index.service";

export const searchRouter = createTRPCRouter({
  content: protectedProcedure.input(contentSearchSchema).query(({ input, ctx }) => searchContent({ actor: ctx.actor, ...input })),
  indexState: adminProcedure.query(({ ctx }) => getSearchIndexState({ actor: ctx.actor })),
  reindex: adminProcedure.input(reindexSchema).mutation(({ input, ctx }) => reindexFiles({ actor: ctx.actor, email: input.email })),
});
