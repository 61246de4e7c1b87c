import { z } from "zod";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "@/server/trpc/init";
import { changePasswordSchema, signUpSchema, apiTokenNameSchema } from "@/server/auth/auth.schemas";
import { changePassword, getMe, setLocale, signUp } from "@/server/auth/auth.service";
import { createApiToken, listApiTokens, revokeApiToken } from "@/server/auth/api-token.service";
import { getSettings } from "@/server/settings/settings.service";

export const authRouter = createTRPCRouter({
  signUp: publicProcedure.input(signUpSchema).mutation(({ input, ctx }) => signUp({ ...input, locale: ctx.locale, meta: ctx.meta })),
  /** What the sign-in and sign-up pages need to know before anyone is signed in. */
  config: publicProcedure.query(async () => ({ signup: (await getSettings()).signupPolicy })),
  me: protectedProcedure.query(({ ctx }) => getMe(ctx.actor)),
  changePassword: protectedProcedure
    .input(changePasswordSchema)
    .mutation(({ input, ctx }) => changePassword({ actor: ctx.actor, ...input, meta: ctx.meta })),
  setLocale: protectedProcedure
    .input(z.object({ locale: z.enum(["en", "zh"]) }))
    .mutation(({ input, ctx }) => setLocale({ actor: ctx.actor, locale: input.locale })),
  tokens: createTRPCRouter({
    list: protectedProcedure.query(({ ctx }) => listApiTokens({ actor: ctx.actor })),
    create: protectedProcedure.input(apiTokenNameSchema).mutation(({ input, ctx }) => createApiToken({ actor: ctx.actor, name: input.name })),
    revoke: protectedProcedure
      .input(z.object({ tokenId: z.uuid() }))
      .mutation(({ input, ctx }) => revokeApiToken({ actor: ctx.actor, tokenId: input.tokenId })),
  }),
});
