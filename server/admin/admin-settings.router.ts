import { adminProcedure, createTRPCRouter } from "@/server/trpc/init";
import { sendTestMailSchema, setLogoSchema, updateSettingsSchema } from "@/server/settings/settings.schemas";
import { removeSiteLogo, setSiteLogo } from "@/server/settings/site-logo.service";
import { getBranding } from "@/server/settings/settings.service";
import { sendTestMail } from "@/server/mail/test-mail.service";
import { listSettings, updateSettings } from "@/server/settings/settings.service";

// Admin → Settings. adminProcedure like the rest of the admin router; the service checks the role again.
export const adminSettingsRouter = createTRPCRouter({
  /** Every setting: value, default, source (db / env / default) and whether the environment fixes it. */
  list: adminProcedure.query(({ ctx }) => listSettings({ actor: ctx.actor })),
  /** Changes some settings; a bad value comes back as a field error under its key (en / zh). */
  /** Sends a test mail to the admin with the SMTP values on the form (stores nothing); the error says what the server said. */
  sendTestMail: adminProcedure.input(sendTestMailSchema).mutation(({ ctx, input }) => sendTestMail({ actor: ctx.actor, locale: ctx.locale, draft: input.draft })),
  /** The site logo's URL (null: the default mark). */
  logo: adminProcedure.query(async () => ({ logoUrl: (await getBranding()).logoUrl })),
  /** A new logo (PNG, JPEG or WebP as base64); refused with an en / zh message when too large or not an image. */
  setLogo: adminProcedure.input(setLogoSchema).mutation(({ ctx, input }) => setSiteLogo({ actor: ctx.actor, meta: ctx.meta, data: Buffer.from(input.data, "base64") })),
  removeLogo: adminProcedure.mutation(({ ctx }) => removeSiteLogo({ actor: ctx.actor, meta: ctx.meta })),
  update: adminProcedure.input(updateSettingsSchema).mutation(({ ctx, input }) => updateSettings({ actor: ctx.actor, meta: ctx.meta, changes: input.changes })),
});
