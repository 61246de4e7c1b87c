import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createCallerFactory, createTRPCRouter } from "@/server/trpc/init";
import { authRouter } from "@/server/account/auth.router";
import { driveRouter } from "@/server/drive/drive.router";
import { uploadRouter } from "@/server/upload/upload.router";
import { adminRouter } from "@/server/admin/admin.router";
import { shareRouter } from "@/server/share/share.router";
import { notifyRouter } from "@/server/notify/notify.router";
import { securityRouter } from "@/server/account/security.router";
import { changesRouter } from "@/server/changes/changes.router";
import { webhooksRouter } from "@/server/webhooks/webhooks.router";
import { searchRouter } from "@/server/search/search.router";
import { teamsRouter } from "@/server/teams/teams.router";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  drive: driveRouter,
  upload: uploadRouter,
  admin: adminRouter,
  share: shareRouter,
  notify: notifyRouter,
  security: securityRouter,
  changes: changesRouter,
  webhooks: webhooksRouter,
  search: searchRouter,
  teams: teamsRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export const createCaller = createCallerFactory(appRouter);
