import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import {
  accessLogSchema,
  createGrantSchema,
  createGroupGrantSchema,
  createLinkSchema,
  grantRefSchema,
  linkRefSchema,
  listLinksSchema,
  nodeGrantsSchema,
  shareableGroupsSchema,
  updateGrantSchema,
  updateLinkSchema,
} from "@/server/share/share.schemas";
import { createShareLink, deleteShareLink, listMyShareLinks, listShareAccesses, revokeShareLink, updateShareLink } from "@/server/share/share-link.service";
import { listGrants, listShareableGroups, listSharedWithMe, revokeGrant, shareWithGroup, shareWithUser, updateGrant } from "@/server/share/grant.service";
import { getTus } from "@/server/upload/tus-server";

/** Drops in flight through a link that stops taking them lose their bytes in the tus store. */
const removeData = (uploadId: string) => getTus().store.remove(uploadId);

export const shareRouter = createTRPCRouter({
  createLink: protectedProcedure.input(createLinkSchema).mutation(({ input, ctx }) => createShareLink({ actor: ctx.actor, meta: ctx.meta, ...input })),
  updateLink: protectedProcedure.input(updateLinkSchema).mutation(({ input, ctx }) => updateShareLink({ actor: ctx.actor, meta: ctx.meta, removeData, ...input })),
  revokeLink: protectedProcedure.input(linkRefSchema).mutation(({ input, ctx }) => revokeShareLink({ actor: ctx.actor, meta: ctx.meta, removeData, ...input })),
  deleteLink: protectedProcedure.input(linkRefSchema).mutation(({ input, ctx }) => deleteShareLink({ actor: ctx.actor, meta: ctx.meta, removeData, ...input })),
  links: protectedProcedure.input(listLinksSchema).query(({ input, ctx }) => listMyShareLinks({ actor: ctx.actor, ...input })),
  accessLog: protectedProcedure.input(accessLogSchema).query(({ input, ctx }) => listShareAccesses({ actor: ctx.actor, ...input })),

  grant: protectedProcedure.input(createGrantSchema).mutation(({ input, ctx }) => shareWithUser({ actor: ctx.actor, meta: ctx.meta, ...input })),
  grantGroup: protectedProcedure.input(createGroupGrantSchema).mutation(({ input, ctx }) => shareWithGroup({ actor: ctx.actor, meta: ctx.meta, ...input })),
  shareableGroups: protectedProcedure.input(shareableGroupsSchema).query(({ input, ctx }) => listShareableGroups({ actor: ctx.actor, ...input })),
  updateGrant: protectedProcedure.input(updateGrantSchema).mutation(({ input, ctx }) => updateGrant({ actor: ctx.actor, meta: ctx.meta, ...input })),
  revokeGrant: protectedProcedure.input(grantRefSchema).mutation(({ input, ctx }) => revokeGrant({ actor: ctx.actor, meta: ctx.meta, ...input })),
  grants: protectedProcedure.input(nodeGrantsSchema).query(({ input, ctx }) => listGrants({ actor: ctx.actor, ...input })),
  sharedWithMe: protectedProcedure.input(z.object({}).optional()).query(({ ctx }) => listSharedWithMe({ actor: ctx.actor })),
});
