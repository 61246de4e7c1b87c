import { z } from "zod";
import { nodeNameSchema } from "@/server/drive/drive.schemas";

// Inputs of Admin → Team folders, a manager's member list and the CLI (no server imports: forms use them).

export const TEAM_ROLES = ["VIEWER", "EDITOR", "MANAGER"] as const;
export type TeamRoleName = (typeof TEAM_ROLES)[number];

const id = z.string().uuid();
/** A team folder's name is a folder name: WebDAV shows it as `/dav/Team folders/<name>/`. */
export const teamFolderNameSchema = nodeNameSchema;
const quotaSchema = z.number().int().min(0).max(2 ** 53);

export const createTeamFolderSchema = z.object({ name: teamFolderNameSchema, quotaBytes: quotaSchema });
export const renameTeamFolderSchema = z.object({ teamFolderId: id, name: teamFolderNameSchema });
export const setTeamFolderQuotaSchema = z.object({ teamFolderId: id, quotaBytes: quotaSchema });
export const teamFolderIdSchema = z.object({ teamFolderId: id });
/** A member is a person (by email) or a group (by id). */
export const setTeamMemberSchema = z.union([
  z.object({ teamFolderId: id, email: z.string().trim().toLowerCase().min(1), role: z.enum(TEAM_ROLES) }),
  z.object({ teamFolderId: id, groupId: id, role: z.enum(TEAM_ROLES) }),
]);
export const teamMemberRefSchema = z.object({ teamFolderId: id, memberId: id });
