import { z } from "zod";
import { msg } from "@/server/i18n/issue";

export const NAME_MAX_BYTES = 255;

/**
 * Invisible characters that reorder how text is shown (embeddings, overrides, isolates and the
 * LRM/RLM/ALM marks): "invoice\u202Efdp.exe" displays as "invoiceexe.pdf".
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

/**
 * The one rule for file and folder names, shared by forms, tRPC, tus metadata and WebDAV:
 * NFC-normalised, no "/", control or text-direction characters, not "." or "..", no leading or trailing spaces,
 * at most 255 UTF-8 bytes.
 */
export const nodeNameSchema = z
  .string({ error: msg("name.required") })
  .transform((s) => s.normalize("NFC"))
  .superRefine((name, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (name.length === 0) return fail(msg("name.required"));
    if (name.includes("/")) return fail(msg("name.slash"));
    if (/[\u0000-\u001f\u007f]/.test(name)) return fail(msg("name.control"));
    if (BIDI_CONTROLS.test(name)) return fail(msg("name.bidi"));
    if (name === "." || name === "..") return fail(msg("name.dots"));
    if (name.trim() !== name) return fail(msg("name.spaces"));
    if (new TextEncoder().encode(name).length > NAME_MAX_BYTES) return fail(msg("name.tooLong", { max: NAME_MAX_BYTES }));
  });

export const nodeIdSchema = z.uuid();

export const SORT_FIELDS = ["name", "size", "modified"] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const listFolderSchema = z.object({
  folderId: nodeIdSchema.nullish(),
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(500).default(200),
  /** Folders always come first; within each kind, this order (each served by an index). */
  sort: z.enum(SORT_FIELDS).default("name"),
  dir: z.enum(["asc", "desc"]).default("asc"),
});

export const createFolderSchema = z.object({ parentId: nodeIdSchema.nullish(), name: nodeNameSchema });

/** Several nodes at once (a selection in the browser); a thousand is more than a page shows. */
export const nodeIdsSchema = z.array(nodeIdSchema).min(1).max(1000);

export const renameNodeSchema = z.object({ nodeId: nodeIdSchema, name: nodeNameSchema });
export const moveNodesSchema = z.object({ nodeIds: nodeIdsSchema, targetId: nodeIdSchema });
export const copyNodesSchema = z.object({ nodeIds: nodeIdsSchema, targetId: nodeIdSchema });
export const selectNodesSchema = z.object({ nodeIds: nodeIdsSchema });
export const nodeRefSchema = z.object({ nodeId: nodeIdSchema });
export const versionRefSchema = z.object({ nodeId: nodeIdSchema, versionId: nodeIdSchema });
/** A file's signed URL: the current version unless `versionId`; `inline` asks for a preview. */
export const contentUrlSchema = z.object({ nodeId: nodeIdSchema, versionId: nodeIdSchema.optional(), inline: z.boolean().optional() });

export const pageSchema = z.object({
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});
/** A trash is the caller's own, or a team folder's when its id is given. */
export const trashScopeSchema = z.object({ teamFolderId: z.string().uuid().nullish() }).optional();
export const trashPageSchema = pageSchema.extend({ teamFolderId: z.string().uuid().nullish() });

export const SEARCH_KINDS = ["folder", "image", "video", "audio", "document", "archive"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const searchSchema = pageSchema.extend({
  query: z
    .string()
    .transform((s) => s.normalize("NFC").trim())
    .pipe(z.string().min(1, msg("search.required")).max(255, msg("name.tooLong", { max: 255 }))),
  kind: z.enum(SEARCH_KINDS).nullish(),
  /** Only nodes below this folder (at any depth). */
  folderId: nodeIdSchema.nullish(),
  modifiedAfter: z.coerce.date().nullish(),
  modifiedBefore: z.coerce.date().nullish(),
});
export type SearchInput = z.input<typeof searchSchema>;
