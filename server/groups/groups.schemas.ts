import { z } from "zod";
import { msg } from "@/server/i18n/issue";

// Inputs of Admin → Groups, the CLI and the identity-provider paths (no server imports: the forms use them).

export const GROUP_NAME_MAX = 100;
export const GROUP_SOURCES = ["local", "oidc", "scim"] as const;
export type GroupSource = (typeof GROUP_SOURCES)[number];

/** The same invisible reordering characters node names refuse (see drive.schemas.ts). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

/** A group's name: NFC, trimmed, 1–100 characters, no control or text-direction characters. */
export const groupNameSchema = z
  .string({ error: msg("groups.nameRequired") })
  .transform((s) => s.normalize("NFC").trim())
  .superRefine((name, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (name.length === 0) return fail(msg("groups.nameRequired"));
    if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return fail(msg("groups.nameControl"));
    if (BIDI_CONTROLS.test(name)) return fail(msg("groups.nameBidi"));
    if ([...name].length > GROUP_NAME_MAX) return fail(msg("groups.nameTooLong", { max: GROUP_NAME_MAX }));
  });

/** What makes two names the same group: "Sales" and "sales" are one. */
export function groupNameKey(name: string): string {
  return name.normalize("NFC").trim().toLowerCase();
}

const id = z.string().uuid();

export const listGroupsSchema = z.object({
  search: z.string().trim().max(200).optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(5).max(200).default(50),
});
export const createGroupSchema = z.object({ name: groupNameSchema });
export const renameGroupSchema = z.object({ groupId: id, name: groupNameSchema });
export const groupIdSchema = z.object({ groupId: id });
export const listMembersSchema = z.object({ groupId: id, search: z.string().trim().max(200).optional() });
export const groupMemberSchema = z.object({ groupId: id, userId: id });
export const userGroupsSchema = z.object({ userId: id });

export type ListGroupsInput = z.input<typeof listGroupsSchema>;
