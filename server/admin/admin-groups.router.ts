import { adminProcedure, createTRPCRouter } from "@/server/trpc/init";
import {
  createGroupSchema,
  groupIdSchema,
  groupMemberSchema,
  listGroupsSchema,
  listMembersSchema,
  renameGroupSchema,
  userGroupsSchema,
} from "@/server/groups/groups.schemas";
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  listGroupMembers,
  listGroups,
  listUserGroups,
  removeGroupMember,
  renameGroup,
} from "@/server/groups/groups.service";

/** Admin → Groups: `admin.groups.*`, every procedure an adminProcedure; the service checks the role again. */
export const adminGroupsRouter = createTRPCRouter({
  list: adminProcedure.input(listGroupsSchema).query(({ ctx, input }) => listGroups({ actor: ctx.actor, ...input })),
  create: adminProcedure.input(createGroupSchema).mutation(({ ctx, input }) => createGroup({ actor: ctx.actor, meta: ctx.meta, ...input })),
  rename: adminProcedure.input(renameGroupSchema).mutation(({ ctx, input }) => renameGroup({ actor: ctx.actor, meta: ctx.meta, ...input })),
  delete: adminProcedure.input(groupIdSchema).mutation(({ ctx, input }) => deleteGroup({ actor: ctx.actor, meta: ctx.meta, ...input })),
  members: adminProcedure.input(listMembersSchema).query(({ ctx, input }) => listGroupMembers({ actor: ctx.actor, ...input })),
  addMember: adminProcedure.input(groupMemberSchema).mutation(({ ctx, input }) => addGroupMember({ actor: ctx.actor, meta: ctx.meta, ...input })),
  removeMember: adminProcedure.input(groupMemberSchema).mutation(({ ctx, input }) => removeGroupMember({ actor: ctx.actor, meta: ctx.meta, ...input })),
  ofUser: adminProcedure.input(userGroupsSchema).query(({ ctx, input }) => listUserGroups({ actor: ctx.actor, ...input })),
});
