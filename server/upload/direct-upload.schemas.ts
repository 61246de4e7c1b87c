import { z } from "zod";
import { nodeIdSchema, nodeNameSchema } from "@/server/drive/drive.schemas";
import { fileTypeSchema, onConflictSchema } from "@/server/upload/upload.schemas";

const uploadIdSchema = z.string().regex(/^[0-9a-f]{32}$/);

/** Starting a direct upload: what tus's Upload-Metadata carries, with the length and sha256 required. */
export const directStartSchema = z.object({
  filename: nodeNameSchema,
  parentId: nodeIdSchema.nullish(),
  relativePath: z.string().max(4096).nullish(),
  // An empty file has no part to send: the client uploads it through tus.
  size: z.number().int().min(1),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .transform((s) => s.toLowerCase()),
  filetype: fileTypeSchema,
});
export type DirectStartInput = z.infer<typeof directStartSchema>;

export const directPartsSchema = z.object({
  uploadId: uploadIdSchema,
  // A batch of URLs: the client asks for more (or fresh ones) as it goes.
  parts: z
    .array(z.object({ partNumber: z.number().int().min(1).max(10_000), md5: z.string().regex(/^[A-Za-z0-9+/]{22}==$/) }))
    .min(1)
    .max(100),
});

export const directUploadIdSchema = z.object({ uploadId: uploadIdSchema });
export const directCompleteSchema = z.object({ uploadId: uploadIdSchema, onConflict: onConflictSchema.nullish() });
