import { z } from "zod";
import { nodeIdSchema, nodeNameSchema } from "@/server/drive/drive.schemas";
import { onConflictSchema } from "@/server/upload/upload.schemas";

const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/)
  .transform((s) => s.toLowerCase());

export const instantPrepareSchema = z.object({
  parentId: nodeIdSchema,
  filename: nodeNameSchema,
  size: z.number().int().min(1),
  sha256,
  onConflict: onConflictSchema.nullish(),
});

export const instantCommitSchema = z.object({
  challenge: z.string().min(1).max(2000),
  answers: z.array(sha256).min(1).max(8),
});
