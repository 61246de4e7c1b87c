import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import {
  createTeamFolderSchema,
  renameTeamFolderSchema,
  setTeamFolderQuotaSchema,
  setTeamMemberSchema,
  teamFolderIdSchema,
  teamMemberRefSchema,
} from "@/server/teams/teams.schemas";
import {
  createTeamFolder,
  deleteTeamFolder,
  listMyTeamFolders,
  listTeamFolders,
  listTeamMembers,
  removeTeamMember,
  renameTeamFolder,
  setTeamFolderQuota,
  setTeamMember,
} from "@/server/teams/team-folder.service";

/**
 * `teams.*`: the sidebar's list for every member; members for admins and the folder's managers
 * (the service decides); create, rename, quota and delete for admins only.
 */
export const teamsRouter = createTRPCRouter({
  mine: protectedProcedure.input(z.object({}).optional()).query(({ ctx }) => listMyTeamFolders({ actor: ctx.actor })),
  members: protectedProcedure.input(teamFolderIdSchema).query(({ ctx, input }) => listTeamMembers({ actor: ctx.actor, ...input })),
  setMember: protectedProcedure.input(setTeamMemberSchema).mutation(({ ctx, input }) => setTeamMember({ actor: ctx.actor, meta: ctx.meta, ...input })),
  removeMember: protectedProcedure.input(teamMemberRefSchema).mutation(({ ctx, input }) => removeTeamMember({ actor: ctx.actor, meta: ctx.meta, ...input })),
  list: adminProcedure.input(z.object({}).optional()).query(({ ctx }) => listTeamFolders({ actor: ctx.actor })),
  create: adminProcedure.input(createTeamFolderSchema).mutation(({ ctx, input }) => createTeamFolder({ actor: ctx.actor, meta: ctx.meta, ...input })),
  rename: adminProcedure.input(renameTeamFolderSchema).mutation(({ ctx, input }) => renameTeamFolder({ actor: ctx.actor, meta: ctx.meta, ...input })),
  setQuota: adminProcedure.input(setTeamFolderQuotaSchema).mutation(({ ctx, input }) => setTeamFolderQuota({ actor: ctx.actor, meta: ctx.meta, ...input })),
  delete: adminProcedure.input(teamFolderIdSchema).mutation(({ ctx, input }) => deleteTeamFolder({ actor: ctx.actor, meta: ctx.meta, ...input })),
});
