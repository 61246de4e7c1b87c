import { z } from "zod";
import { cliActor } from "@/server/auth/actor";
import { createUser, findUserByEmailOrThrow, listUsers, resetPassword, setRole } from "@/server/auth/auth.service";
import { createApiToken } from "@/server/auth/api-token.service";
import { seedBigFolder } from "@/server/drive/seed.service";
import { seedShareLink } from "@/server/admin/admin-seed.service";
import { reindexFiles } from "@/server/search/search-index.service";
import { runGroupsCommand, GROUPS_USAGE } from "@/server/admin/admin-groups-command";
import { configureDirectUploadCors } from "@/server/upload/direct-upload-cors";
import { runTeamFoldersCommand, TEAM_FOLDERS_USAGE } from "@/server/teams/team-folders-command";
import { createScimToken, listScimTokens, revokeScimToken } from "@/server/scim/scim-token.service";

/** What `npm run admin -- <command>` can do. The same functions run in the CLI or in the server. */
export const adminCommands = {
  "create-user": {
    usage: "create-user --email E [--name N] [--admin] (--password P | --password-stdin)",
    args: z.object({ email: z.string(), name: z.string().optional(), admin: z.boolean().optional(), password: z.string() }),
    run: async (a: { email: string; name?: string; admin?: boolean; password: string }) =>
      createUser({ actor: cliActor, email: a.email, name: a.name, password: a.password, role: a.admin ? "ADMIN" : "USER" }),
  },
  "set-role": {
    usage: "set-role --email E --role USER|ADMIN",
    args: z.object({ email: z.string(), role: z.enum(["USER", "ADMIN"]) }),
    run: async (a: { email: string; role: "USER" | "ADMIN" }) => setRole({ actor: cliActor, email: a.email, role: a.role }),
  },
  "reset-password": {
    usage: "reset-password --email E (--password P | --password-stdin)",
    args: z.object({ email: z.string(), password: z.string() }),
    run: async (a: { email: string; password: string }) => {
      await resetPassword({ actor: cliActor, email: a.email, newPassword: a.password });
      return { email: a.email, sessionsEnded: true };
    },
  },
  "create-token": {
    usage: "create-token --email E --name N",
    args: z.object({ email: z.string(), name: z.string() }),
    run: async (a: { email: string; name: string }) => {
      const user = await findUserByEmailOrThrow(a.email);
      const { token, apiToken } = await createApiToken({ actor: { userId: user.id, role: user.role, via: "cli" }, name: a.name });
      return { token, id: apiToken.id, name: apiToken.name };
    },
  },
  reindex: {
    usage: "reindex [--email E]   (reads the text of every file again for content search, or of one user's files)",
    args: z.object({ email: z.string().optional() }),
    run: async (a: { email?: string }) => reindexFiles({ actor: cliActor, email: a.email ?? null }),
  },
  "seed-folder": {
    usage: "seed-folder --email E --name FOLDER --count N   (N empty sub-folders, for trying big folders)",
    args: z.object({ email: z.string(), name: z.string(), count: z.coerce.number().int() }),
    run: async (a: { email: string; name: string; count: number }) =>
      seedBigFolder({ actor: cliActor, email: a.email, folderName: a.name, count: a.count }),
  },
  "seed-share": {
    usage: "seed-share --email E --name ITEM [--permission VIEW|DOWNLOAD|UPLOAD|DOWNLOAD_UPLOAD] [--expires-in-days N] [--downloads N] [--label L]   (a share link row, for trying the admin screens)",
    args: z.object({
      email: z.string(),
      name: z.string(),
      permission: z.enum(["VIEW", "DOWNLOAD", "UPLOAD", "DOWNLOAD_UPLOAD"]).optional(),
      "expires-in-days": z.coerce.number().int().positive().optional(),
      downloads: z.coerce.number().int().min(0).optional(),
      label: z.string().optional(),
    }),
    run: async (a: { email: string; name: string; permission?: "VIEW" | "DOWNLOAD" | "UPLOAD" | "DOWNLOAD_UPLOAD"; "expires-in-days"?: number; downloads?: number; label?: string }) =>
      seedShareLink({ actor: cliActor, email: a.email, name: a.name, permission: a.permission, expiresInDays: a["expires-in-days"], downloads: a.downloads, label: a.label }),
  },
  "list-users": {
    usage: "list-users",
    args: z.object({}),
    run: async () =>
      (await listUsers({ actor: cliActor })).map((u) => ({ email: u.email, name: u.name, role: u.role, usedBytes: u.usedBytes })),
  },
  "scim-token": {
    usage: "scim-token create NAME | scim-token list | scim-token revoke ID   (bearer tokens for /scim/v2; the secret is printed once)",
    args: z.object({ _: z.array(z.string()).min(1).max(2) }),
    run: async (a: { _: string[] }) => {
      const [sub, arg] = a._;
      if (sub === "create" && arg) {
        const { token, scimToken } = await createScimToken({ actor: cliActor, name: arg });
        return { token, id: scimToken.id, name: scimToken.name };
      }
      if (sub === "list" && !arg) return (await listScimTokens({ actor: cliActor })).map((x) => ({ id: x.id, name: x.name, prefix: x.prefix, lastUsedAt: x.lastUsedAt, revoked: x.revokedAt !== null }));
      if (sub === "revoke" && arg) return revokeScimToken({ actor: cliActor, tokenId: arg });
      throw new Error("usage: scim-token create NAME | scim-token list | scim-token revoke ID");
    },
  },
  "s3-cors": {
    usage: "s3-cors [--print]   (sets, or prints, the bucket CORS rule browsers need for direct upload: PUT from BASE_URL, ETag exposed)",
    args: z.object({ print: z.boolean().optional() }),
    run: async (a: { print?: boolean }) => configureDirectUploadCors(a),
  },
  groups: {
    usage: GROUPS_USAGE,
    /** `_` holds the words after the command: groups <sub-command> <name> … */
    args: z.object({ _: z.array(z.string()).min(1), search: z.string().optional() }),
    run: async (a: { _: string[]; search?: string }) => runGroupsCommand(a._, { search: a.search }),
  },
  "team-folders": {
    usage: TEAM_FOLDERS_USAGE,
    /** `_` holds the words after the command: team-folders <sub-command> <name> … */
    args: z.object({ _: z.array(z.string()).min(1) }),
    run: async (a: { _: string[] }) => runTeamFoldersCommand(a._),
  },
} as const;

export type AdminCommand = keyof typeof adminCommands;

export async function runAdminCommand(command: string, args: Record<string, unknown>): Promise<unknown> {
  const spec = adminCommands[command as AdminCommand];
  if (!spec) throw new Error(`unknown command "${command}"`);
  // Words after the command (args._) only reach a command that takes them.
  if ("_" in args && !("_" in spec.args.shape)) throw new Error(`unexpected argument "${String((args._ as unknown[])[0])}"\nusage: ${spec.usage}`);
  const parsed = spec.args.safeParse(args);
  if (!parsed.success) throw new Error(`usage: ${spec.usage}`);
  return (spec.run as (a: unknown) => Promise<unknown>)(parsed.data);
}
