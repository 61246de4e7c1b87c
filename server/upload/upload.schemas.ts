import { z } from "zod";
import { nodeNameSchema, nodeIdSchema } from "@/server/drive/drive.schemas";
import { msg } from "@/server/i18n/issue";

/**
 * What an upload onto the name of an existing file does: "version" (the default, and the only rule
 * for WebDAV and API clients that do not say) adds a new version; "rename" keeps both, the new file
 * named "a (1).txt" with the next free number, chosen in the commit so concurrent uploads never
 * collide. Skipping is the client's choice: it simply does not upload.
 */
export const onConflictSchema = z.enum(["version", "rename"], { error: msg("upload.onConflictInvalid") });
export type OnConflict = z.infer<typeof onConflictSchema>;

/** A client's MIME type for a new file: kept when well-formed, dropped (null) otherwise. */
export const fileTypeSchema = z
  .string()
  .regex(/^[\w.+-]+\/[\w.+-]+$/)
  .max(200)
  .nullish()
  .catch(null);

/** tus Upload-Metadata, after @tus/server decoded it. Unknown keys are ignored. */
export const uploadMetadataSchema = z.object({
  filename: nodeNameSchema,
  parentId: nodeIdSchema.nullish(),
  filetype: fileTypeSchema,
  /** Folders below `parentId` to create for this file ("a/b" for a dropped tree), made on creation. */
  relativePath: z.string().max(4096).nullish(),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .transform((s) => s.toLowerCase())
    .nullish(),
  onConflict: onConflictSchema.nullish(),
});

export type UploadMetadata = z.infer<typeof uploadMetadataSchema>;

/** The check before a batch upload: which of these names are taken in the folder. */
export const nameConflictsSchema = z.object({
  parentId: nodeIdSchema,
  names: z.array(nodeNameSchema).min(1).max(1000),
});
