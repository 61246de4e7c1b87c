import { adminProcedure, createTRPCRouter } from "@/server/trpc/init";
import { createScimToken, listScimTokens, revokeScimToken, scimTokenIdSchema, scimTokenNameSchema } from "@/server/scim/scim-token.service";

/** `admin.scim.*`: the bearer tokens identity providers use on /scim/v2. */
export const scimAdminRouter = createTRPCRouter({
  tokens: adminProcedure.query(({ ctx }) => listScimTokens({ actor: ctx.actor })),
  createToken: adminProcedure.input(scimTokenNameSchema).mutation(({ ctx, input }) => createScimToken({ actor: ctx.actor, meta: ctx.meta, ...input })),
  revokeToken: adminProcedure.input(scimTokenIdSchema).mutation(({ ctx, input }) => revokeScimToken({ actor: ctx.actor, meta: ctx.meta, ...input })),
});
