import { z } from "zod";
import { msg } from "@/server/i18n/issue";

// OWASP ASVS: at least 12 characters, and long passphrases allowed.
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: msg("email.invalid") }).max(254, { message: msg("email.invalid") }));

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, { message: msg("password.tooShort", { min: PASSWORD_MIN }) })
  .max(PASSWORD_MAX, { message: msg("password.tooLong", { max: PASSWORD_MAX }) });

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, { message: msg("name.required") })
  .max(100, { message: msg("name.tooLong", { max: 100 }) });

export const signUpSchema = z.object({ email: emailSchema, name: displayNameSchema, password: passwordSchema });

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX),
  newPassword: passwordSchema,
});

export const apiTokenNameSchema = z.object({
  name: z.string().trim().min(1, { message: msg("token.nameRequired") }).max(100),
});
