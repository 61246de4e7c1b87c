import { z } from "zod";
import { CHANGE_KINDS } from "@/server/events/change-kinds";

export const MAX_HOOKS_PER_USER = 20;

const urlSchema = z
  .string()
  .trim()
  .max(2000, "webhooks.urlInvalid")
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "" && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "webhooks.urlInvalid");

const kindsSchema = z
  .array(z.string().refine((k) => (CHANGE_KINDS as readonly string[]).includes(k), "webhooks.kindUnknown"))
  .min(1, "webhooks.kindsRequired")
  .max(CHANGE_KINDS.length, "webhooks.kindUnknown");

/** `admin`: act on any user's hook (administrators only); otherwise only the caller's own. */
const asAdmin = { admin: z.boolean().default(false) };

export const createHookSchema = z.object({
  url: urlSchema,
  kinds: kindsSchema,
  folderId: z.uuid().nullish(),
  /** ADMIN: every drive's changes (administrators only). */
  scope: z.enum(["OWN", "ADMIN"]).default("OWN"),
});
export const updateHookSchema = z.object({
  id: z.uuid(),
  url: urlSchema.optional(),
  kinds: kindsSchema.optional(),
  folderId: z.uuid().nullish(),
  /** false disables the hook; true re-enables it (and clears a failing state). */
  active: z.boolean().optional(),
  ...asAdmin,
});
export const hookIdSchema = z.object({ id: z.uuid(), ...asAdmin });
export const listHooksSchema = z.object({ ...asAdmin });
export const deliveriesSchema = z.object({ id: z.uuid(), limit: z.number().int().min(1).max(100).default(50), ...asAdmin });
export const redeliverSchema = z.object({ deliveryId: z.uuid(), ...asAdmin });
