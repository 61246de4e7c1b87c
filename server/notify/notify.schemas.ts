import { z } from "zod";

export const listNotificationsSchema = z.object({ limit: z.number().int().min(1).max(100).default(30) });
/** Marks these as read, or all of mine when `ids` is absent. */
export const markReadSchema = z.object({ ids: z.array(z.uuid()).max(100).optional() });
