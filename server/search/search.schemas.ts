import { z } from "zod";
import { msg } from "@/server/i18n/issue";
import { nodeIdSchema, SEARCH_KINDS } from "@/server/drive/drive.schemas";

/** Kinds a content search can filter on (folders have no content). */
export const CONTENT_KINDS = SEARCH_KINDS.filter((k) => k !== "folder") as Exclude<(typeof SEARCH_KINDS)[number], "folder">[];

export const contentSearchSchema = z.object({
  query: z
    .string()
    .transform((s) => s.normalize("NFC").trim())
    .pipe(z.string().min(1, msg("search.required")).max(255, msg("name.tooLong", { max: 255 }))),
  kind: z.enum(CONTENT_KINDS as [string, ...string[]]).nullish(),
  /** Only files under this folder (at any depth). */
  folderId: nodeIdSchema.nullish(),
  modifiedAfter: z.coerce.date().nullish(),
  modifiedBefore: z.coerce.date().nullish(),
  cursor: z.string().regex(/^\d{1,6}$/).nullish(),
  limit: z.number().int().min(1).max(50).default(20),
});
export type ContentSearchInput = z.input<typeof contentSearchSchema>;

export const reindexSchema = z.object({ email: z.string().trim().toLowerCase().email().nullish() });
