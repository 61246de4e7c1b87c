import { cliActor } from "@/server/auth/actor";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import {
  createTeamFolder,
  deleteTeamFolder,
  listTeamFolders,
  listTeamMembers,
  removeTeamMember,
  renameTeamFolder,
  setTeamFolderQuota,
  setTeamMember,
} from "@/server/teams/team-folder.service";
import { TEAM_ROLES, type TeamRoleName } from "@/server/teams/teams.schemas";

export const TEAM_FOLDERS_USAGE = [
  "team-folders list",
  "  team-folders create NAME QUOTA          (QUOTA: bytes, or 500MiB, 10GiB …)",
  "  team-folders rename OLD NEW",
  "  team-folders quota NAME QUOTA",
  "  team-folders delete NAME",
  "  team-folders members NAME",
  "  team-folders add NAME EMAIL|@GROUP VIEWER|EDITOR|MANAGER",
  "  team-folders remove NAME EMAIL|@GROUP",
].join("\n");

const usage = () => new Error(`usage: ${TEAM_FOLDERS_USAGE}`);
const UNITS: Record<string, number> = { "": 1, B: 1, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

/** "10GiB" → bytes; plain digits are bytes. */
export function parseQuota(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`not a size: ${text} (use bytes, or e.g. 500MiB, 10GiB)`);
  return Math.round(Number(m[1]) * unit);
}

async function teamByName(name: string) {
  const key = name.normalize("NFC").toLowerCase();
  const team = (await listTeamFolders({ actor: cliActor })).find((t) => t.name.normalize("NFC").toLowerCase() === key);
  if (!team) throw new AppError("NOT_FOUND", "team.notFound");
  return team;
}

function roleOf(text: string): TeamRoleName {
  const role = text.toUpperCase() as TeamRoleName;
  if (!TEAM_ROLES.includes(role)) throw usage();
  return role;
}

/** `npm run admin -- team-folders <sub-command> …`: team folders by name, people by email, groups as @name. */
export async function runTeamFoldersCommand(words: string[]): Promise<unknown> {
  const [sub, ...rest] = words;
  const need = (n: number) => {
    if (rest.length !== n) throw usage();
    return rest as string[];
  };
  switch (sub) {
    case "list":
      need(0);
      return (await listTeamFolders({ actor: cliActor })).map((t) => ({ name: t.name, usedBytes: t.usedBytes, quotaBytes: t.quotaBytes, members: t.memberCount }));
    case "create": {
      const [name, quota] = need(2);
      const t = await createTeamFolder({ actor: cliActor, name: name!, quotaBytes: parseQuota(quota!) });
      return { id: t.id, name: t.name, quotaBytes: t.quotaBytes };
    }
    case "rename": {
      const [from, to] = need(2);
      const t = await renameTeamFolder({ actor: cliActor, teamFolderId: (await teamByName(from!)).id, name: to! });
      return { id: t.id, name: t.name };
    }
    case "quota": {
      const [name, quota] = need(2);
      const t = await setTeamFolderQuota({ actor: cliActor, teamFolderId: (await teamByName(name!)).id, quotaBytes: parseQuota(quota!) });
      return { name: t.name, usedBytes: t.usedBytes, quotaBytes: t.quotaBytes };
    }
    case "delete": {
      const [name] = need(1);
      return deleteTeamFolder({ actor: cliActor, teamFolderId: (await teamByName(name!)).id });
    }
    case "members": {
      const [name] = need(1);
      const members = await listTeamMembers({ actor: cliActor, teamFolderId: (await teamByName(name!)).id });
      return members.map((m) => ({ member: m.user?.email ?? `@${m.group?.name}`, role: m.role }));
    }
    case "add": {
      const [name, who, role] = need(3);
      const teamFolderId = (await teamByName(name!)).id;
      const m = who!.startsWith("@")
        ? await setTeamMember({ actor: cliActor, teamFolderId, groupId: await groupIdByName(who!.slice(1)), role: roleOf(role!) })
        : await setTeamMember({ actor: cliActor, teamFolderId, email: who!, role: roleOf(role!) });
      return { member: m.user?.email ?? `@${m.group?.name}`, role: m.role };
    }
    case "remove": {
      const [name, who] = need(2);
      const teamFolderId = (await teamByName(name!)).id;
      const members = await listTeamMembers({ actor: cliActor, teamFolderId });
      const target = who!.toLowerCase();
      const m = members.find((x) => (x.user ? x.user.email === target : `@${x.group?.name.toLowerCase()}` === target));
      if (!m) throw new AppError("NOT_FOUND", "team.memberNotFound");
      await removeTeamMember({ actor: cliActor, teamFolderId, memberId: m.id });
      return { removed: who };
    }
    default:
      throw usage();
  }
}

async function groupIdByName(name: string): Promise<string> {
  const prisma = await getPrisma();
  const group = await prisma.group.findUnique({ where: { nameKey: name.normalize("NFC").trim().toLowerCase() }, select: { id: true } });
  if (!group) throw new AppError("NOT_FOUND", "team.groupNotFound");
  return group.id;
}
