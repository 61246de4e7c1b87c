import { adminProcedure, createTRPCRouter } from "@/server/trpc/init";
import { updateSettingsSchema } from "@/server/settings/settings.schemas";
import { listSettings, updateSettings } from "@/server/settings/settings.service";

// Admin → Settings. adminProcedure like the rest of the admin router; the service checks the role again.
export const adminSettingsRouter = createTRPCRouter({
  /** Every setting: value, default, source (db / env / default) and whether the environment fixes it. */
  list: adminProcedure.query(({ ctx }) => listSettings({ actor: ctx.actor })),
  /** Changes some settings; a bad value comes back as a field error under its key (en / zh). */
  update: adminProcedure.input(updateSettingsSchema).mutation(({ ctx, input }) => updateSettings({ actor: ctx.actor, meta: ctx.meta, changes: input.changes })),
});
