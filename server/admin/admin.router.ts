import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/trpc/init";
import { getStorageStats } from "@/server/drive/blob-gc.service";
import { getTus } from "@/server/upload/tus-server";
import {
  createUserSchema,
  deleteUserSchema,
  linkIdSchema,
  listAuditSchema,
  listSharesSchema,
  listUsersSchema,
  setQuotaSchema,
  setRoleSchema,
  uploadIdSchema,
  userIdSchema,
} from "@/server/admin/admin.schemas";
import {
  createUserByAdmin,
  disableUser,
  enableUser,
  listUsersForAdmin,
  requestUserDeletion,
  resetUserPassword,
  setUserQuota,
  setUserRole,
} from "@/server/admin/admin-users.service";
import { getCharts, getOverview, getSystem } from "@/server/admin/admin-overview.service";
import { abortUploadAsAdmin, listSharesForAdmin, listUploadsInFlight, revokeShareAsAdmin } from "@/server/admin/admin-ops.service";
import { listAuditActions, listAuditEvents } from "@/server/admin/admin-audit.service";
import { adminGroupsRouter } from "@/server/admin/admin-groups.router";
import { adminSettingsRouter } from "@/server/admin/admin-settings.router";
import { scimAdminRouter } from "@/server/scim/scim-admin.router";

// Every procedure here is an adminProcedure (a test enumerates them); the services check the role
// again, so the CLI and any other caller meet the same rule.
export const adminRouter = createTRPCRouter({
  /** Logical bytes (every version), physical bytes (each content once) and what dedup saves. */
  storageStats: adminProcedure.query(() => getStorageStats()),
  overview: adminProcedure.query(({ ctx }) => getOverview({ actor: ctx.actor })),
  charts: adminProcedure.input(z.object({ days: z.number().int().min(7).max(90).optional() }).optional()).query(({ ctx, input }) => getCharts({ actor: ctx.actor, days: input?.days })),
  system: adminProcedure.query(({ ctx }) => getSystem({ actor: ctx.actor })),
  users: createTRPCRouter({
    list: adminProcedure.input(listUsersSchema).query(({ ctx, input }) => listUsersForAdmin({ actor: ctx.actor, ...input })),
    create: adminProcedure.input(createUserSchema).mutation(({ ctx, input }) => createUserByAdmin({ actor: ctx.actor, meta: ctx.meta, ...input })),
    setRole: adminProcedure.input(setRoleSchema).mutation(({ ctx, input }) => setUserRole({ actor: ctx.actor, meta: ctx.meta, ...input })),
    setQuota: adminProcedure.input(setQuotaSchema).mutation(({ ctx, input }) => setUserQuota({ actor: ctx.actor, meta: ctx.meta, ...input })),
    resetPassword: adminProcedure.input(userIdSchema).mutation(({ ctx, input }) => resetUserPassword({ actor: ctx.actor, meta: ctx.meta, ...input })),
    disable: adminProcedure.input(userIdSchema).mutation(({ ctx, input }) => disableUser({ actor: ctx.actor, meta: ctx.meta, ...input })),
    enable: adminProcedure.input(userIdSchema).mutation(({ ctx, input }) => enableUser({ actor: ctx.actor, meta: ctx.meta, ...input })),
    delete: adminProcedure.input(deleteUserSchema).mutation(({ ctx, input }) => requestUserDeletion({ actor: ctx.actor, meta: ctx.meta, ...input })),
  }),
  shares: createTRPCRouter({
    list: adminProcedure.input(listSharesSchema).query(({ ctx, input }) => listSharesForAdmin({ actor: ctx.actor, ...input })),
    revoke: adminProcedure.input(linkIdSchema).mutation(({ ctx, input }) => revokeShareAsAdmin({ actor: ctx.actor, meta: ctx.meta, ...input })),
  }),
  uploads: createTRPCRouter({
    list: adminProcedure.query(({ ctx }) => listUploadsInFlight({ actor: ctx.actor })),
    abort: adminProcedure
      .input(uploadIdSchema)
      .mutation(({ ctx, input }) => abortUploadAsAdmin({ actor: ctx.actor, meta: ctx.meta, ...input, removeData: (id) => getTus().store.remove(id) })),
  }),
  audit: createTRPCRouter({
    list: adminProcedure.input(listAuditSchema).query(({ ctx, input }) => listAuditEvents({ actor: ctx.actor, ...input })),
    actions: adminProcedure.query(({ ctx }) => listAuditActions({ actor: ctx.actor })),
  }),
  groups: adminGroupsRouter,
  settings: adminSettingsRouter,
  scim: scimAdminRouter,
});
