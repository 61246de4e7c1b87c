import { z } from "zod";
import { msg } from "@/server/i18n/issue";

export const NAME_MAX_BYTES = 255;

/**
 * The one rule for file and folder names, shared by forms, tRPC, tus metadata and WebDAV:
 * NFC-normalised, no "/" or control characters, not "." or "..", no leading or trailing spaces,
 * at most 255 UTF-8 bytes.
 */
export const nodeNameSchema = z
  .string()
  .transform((s) => s.normalize("NFC"))
  .superRefine((name, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (name.length === 0) return fail(msg("name.required"));
    if (name.includes("/")) return fail(msg("name.slash"));
    if (/[\u0000-\u001f\u007f]/.test(name)) return fail(msg("name.control"));
    if (name === "." || name === "..") return fail(msg("name.dots"));
    if (name.trim() !== name) return fail(msg("name.spaces"));
    if (new TextEncoder().encode(name).length > NAME_MAX_BYTES) return fail(msg("name.tooLong", { max: NAME_MAX_BYTES }));
  });

export const nodeIdSchema = z.uuid();

export const listFolderSchema = z.object({
  folderId: nodeIdSchema.nullish(),
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(500).default(200),
});

export const createFolderSchema = z.object({ parentId: nodeIdSchema.nullish(), name: nodeNameSchema });
