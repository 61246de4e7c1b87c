import { adminProcedure, createTRPCRouter, protectedProcedure, publicProcedure } from "@/server/trpc/init";
import { confirmLinkSchema, resetTwoFactorSchema, totpCodeSchema, twoFactorPolicySchema } from "@/server/auth/totp.schemas";
import { confirmOidcLink } from "@/server/auth/oidc.service";
import {
  adminResetTwoFactor,
  beginTotpEnrollment,
  confirmTotpEnrollment,
  disableTotp,
  getSecurityOverview,
  getTwoFactorPolicy,
  regenerateRecoveryCodes,
  setTwoFactorPolicy,
} from "@/server/auth/totp.service";

/** Two-factor sign-in, linked sign-ins and the admin's two-factor policy. */
export const securityRouter = createTRPCRouter({
  overview: protectedProcedure.query(({ ctx }) => getSecurityOverview({ actor: ctx.actor })),
  totp: createTRPCRouter({
    begin: protectedProcedure.mutation(({ ctx }) => beginTotpEnrollment({ actor: ctx.actor })),
    confirm: protectedProcedure.input(totpCodeSchema).mutation(({ input, ctx }) => confirmTotpEnrollment({ actor: ctx.actor, code: input.code, meta: ctx.meta })),
    disable: protectedProcedure.input(totpCodeSchema).mutation(({ input, ctx }) => disableTotp({ actor: ctx.actor, code: input.code, meta: ctx.meta })),
    regenerateCodes: protectedProcedure
      .input(totpCodeSchema)
      .mutation(({ input, ctx }) => regenerateRecoveryCodes({ actor: ctx.actor, code: input.code, meta: ctx.meta })),
  }),
  /** Signed out: the owner of an existing account confirms a single sign-on link with their password. */
  confirmLink: publicProcedure.input(confirmLinkSchema).mutation(({ input, ctx }) => confirmOidcLink({ token: input.token, password: input.password, meta: ctx.meta })),
  policy: adminProcedure.query(() => getTwoFactorPolicy()),
  setPolicy: adminProcedure.input(twoFactorPolicySchema).mutation(({ input, ctx }) => setTwoFactorPolicy({ actor: ctx.actor, policy: input.policy, meta: ctx.meta })),
  resetUserTwoFactor: adminProcedure
    .input(resetTwoFactorSchema)
    .mutation(({ input, ctx }) => adminResetTwoFactor({ actor: ctx.actor, userId: input.userId, meta: ctx.meta })),
});
