import { z } from "zod";
import { emailSchema, displayNameSchema, passwordSchema } from "@/server/auth/auth.schemas";

// Inputs of the admin screens; shared by the router and the forms (no server imports).

const id = z.string().uuid();
const search = z.string().trim().max(200).optional();

export const userSortFields = ["createdAt", "email", "name", "usedBytes", "role"] as const;

export const listUsersSchema = z.object({
  search,
  sort: z.enum(userSortFields).default("createdAt"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(5).max(100).default(20),
});

export const createUserSchema = z.object({
  email: emailSchema,
  name: displayNameSchema.optional(),
  password: passwordSchema,
  role: z.enum(["USER", "ADMIN"]).default("USER"),
});

export const userIdSchema = z.object({ userId: id });
export const setRoleSchema = z.object({ userId: id, role: z.enum(["USER", "ADMIN"]) });
/** null = the server's default quota (DEFAULT_QUOTA_BYTES). */
export const setQuotaSchema = z.object({ userId: id, quotaBytes: z.number().int().min(0).max(2 ** 53).nullable() });
export const deleteUserSchema = z.object({ userId: id, confirmEmail: z.string().trim().toLowerCase() });

export const listSharesSchema = z.object({
  search,
  status: z.enum(["live", "all"]).default("live"),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(5).max(100).default(20),
});
export const linkIdSchema = z.object({ linkId: id });
export const uploadIdSchema = z.object({ uploadId: z.string().regex(/^[0-9a-f]{32}$/) });

export const auditFilterSchema = z.object({
  /** An email (or part of one) or a user id. */
  user: z.string().trim().max(254).optional(),
  action: z.string().trim().max(100).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export const listAuditSchema = auditFilterSchema.extend({
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;
export type AuditFilterInput = z.input<typeof auditFilterSchema>;
export type ListUsersInput = z.input<typeof listUsersSchema>;
