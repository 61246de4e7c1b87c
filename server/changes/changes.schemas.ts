import { z } from "zod";

/** A cursor is the sequence number of the last change a client has applied, as decimal text. */
export const cursorSchema = z.string().regex(/^\d{1,19}$/, "input.invalid");

export const listChangesSchema = z.object({
  cursor: cursorSchema,
  limit: z.number().int().min(1).max(1000).default(500),
  /** Only changes inside this folder (itself included). */
  folderId: z.uuid().optional(),
  /** "admin": every drive's changes, for administrators. */
  scope: z.enum(["mine", "admin"]).default("mine"),
});

export const waitChangesSchema = z.object({
  cursor: cursorSchema,
  timeoutS: z.number().int().min(1).max(90).default(30),
  folderId: z.uuid().optional(),
  scope: z.enum(["mine", "admin"]).default("mine"),
});
