import { z } from "zod";
import { nodeNameSchema, nodeIdSchema } from "@/server/drive/drive.schemas";

/** tus Upload-Metadata, after @tus/server decoded it. Unknown keys are ignored. */
export const uploadMetadataSchema = z.object({
  filename: nodeNameSchema,
  parentId: nodeIdSchema.nullish(),
  filetype: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+$/)
    .max(200)
    .nullish()
    .catch(null),
  /** Folders below `parentId` to create for this file ("a/b" for a dropped tree), made on creation. */
  relativePath: z.string().max(4096).nullish(),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .transform((s) => s.toLowerCase())
    .nullish(),
});

export type UploadMetadata = z.infer<typeof uploadMetadataSchema>;
