import { z } from "zod";

/** A six-digit authenticator code or a recovery code (xxxxx-xxxxx); spaces are ignored. */
export const secondFactorCodeSchema = z
  .string()
  .max(40)
  .transform((s) => s.replace(/\s+/g, "").toLowerCase());

export const totpCodeSchema = z.object({ code: secondFactorCodeSchema });

export const TWO_FACTOR_POLICIES = ["off", "admins", "everyone"] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];
export const twoFactorPolicySchema = z.object({ policy: z.enum(TWO_FACTOR_POLICIES) });

export const resetTwoFactorSchema = z.object({ userId: z.uuid() });

export const confirmLinkSchema = z.object({ token: z.string().min(10).max(2000), password: z.string().max(1000) });
